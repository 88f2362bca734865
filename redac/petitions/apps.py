from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "redac.petitions"
    label = "petitions"
    verbose_name = "Pétitions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            invalidation,  # noqa: F401  (clock and content_changed: redac.core.signals)
            personal_data,  # noqa: F401  (registers the GDPR export/erase provider)
        )
