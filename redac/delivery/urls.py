from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [path("api/csrf/", views.csrf_token, name="csrf")]
