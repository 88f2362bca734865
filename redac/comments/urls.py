from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("commentaires/<int:page_id>/", views.comment_form_page, name="form"),
    path("api/comments/token/", views.csrf_api, name="csrf"),
]
