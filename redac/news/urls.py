from django.urls import path

from . import views

app_name = "news"
urlpatterns = [
    path("auteurs/<slug:slug>/", views.author_detail, name="author"),
    path("mots/<slug:slug>/", views.keyword_detail, name="keyword"),
]
