from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "redac.contact"
    label = "contact"
    verbose_name = "Contact"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data  # noqa: F401  (registers the GDPR export/erase provider)
