from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("petitions/<int:page_id>/signer/", views.sign_page, name="sign"),
    path("petitions/<int:page_id>/signatures/", views.signatures_list, name="list"),
    path("petitions/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("api/petitions/<int:page_id>/", views.counter_api, name="counter"),
]
