from django.apps import AppConfig


class ReserveConfig(AppConfig):
    name = "redac.reserve"
    label = "reserve"
    verbose_name = "Période de réserve électorale"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import invalidation

        # the silence shows on campaign pages and changes them by the clock (redac.core.signals)
        invalidation.register()
