from django.urls import path

from . import admin_views

app_name = "newsletter_admin"
urlpatterns = [
    path("", admin_views.index, name="index"),
    path("nouvelle/", admin_views.edit, name="add"),
    path("import/", admin_views.import_subscribers, name="import"),
    path("abonnes/", admin_views.subscribers, name="subscribers"),
    path(
        "abonnes/inscription/<int:pk>/retirer/",
        admin_views.remove_subscription,
        name="remove_subscription",
    ),
    path("abonnes/<int:pk>/effacer/", admin_views.erase_subscriber, name="erase_subscriber"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/modifier/", admin_views.edit, name="edit"),
    path("<int:pk>/apercu/", admin_views.preview, name="preview"),
    path("<int:pk>/<str:action>/", admin_views.act, name="act"),
]
