from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.beacon, name="beacon"),
    path("<int:page_id>/", views.total, name="total"),
    path("<int:page_id>/pixel.gif", views.pixel, name="pixel"),
]
