from django.apps import AppConfig


class ReserveConfig(AppConfig):
    name = "redac.reserve"
    label = "reserve"
    verbose_name = "Période de réserve électorale"
    default_auto_field = "django.db.models.BigAutoField"
