from django.urls import path

from . import admin_views

app_name = "petitions_admin"
urlpatterns = [
    path("", admin_views.index, name="index"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/signatures/", admin_views.signatures, name="signatures"),
    path("<int:pk>/actions/", admin_views.bulk, name="bulk"),
    path("<int:pk>/export.csv", admin_views.export_csv, name="export"),
]
