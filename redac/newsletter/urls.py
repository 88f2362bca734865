from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("lettre/", views.signup, name="signup"),
    path("lettre/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("lettre/desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("lettre/quitter/<str:token>/", views.leave, name="leave"),
    path("lettre/archives/", views.archive_index, name="archive"),
    path("lettre/archives/<int:pk>/", views.archive_letter, name="archive_letter"),
]
