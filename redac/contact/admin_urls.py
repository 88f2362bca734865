from django.urls import path

from . import admin_views

app_name = "contact_admin"
urlpatterns = [
    path("", admin_views.inbox, name="inbox"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/traite/", admin_views.mark, name="mark"),
    path("<int:pk>/supprimer/", admin_views.delete, name="delete"),
    path("actions/", admin_views.bulk, name="bulk"),
    path("export.csv", admin_views.export_csv, name="export"),
    path("personne/", admin_views.person, name="person"),
]
