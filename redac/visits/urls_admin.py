from django.urls import path

from . import views_admin

app_name = "visits_admin"
urlpatterns = [
    path("", views_admin.DashboardView.as_view(), name="dashboard"),
    path("page/<int:page_id>/", views_admin.PageStatisticsView.as_view(), name="page"),
    path("export/<slug:kind>.csv", views_admin.export_csv, name="export"),
]
