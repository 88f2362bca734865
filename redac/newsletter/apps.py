from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "redac.newsletter"
    label = "newsletter"
    verbose_name = "Lettre d'information"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import archive, personal_data  # noqa: F401  (registers the GDPR export/erase provider)

        archive.register()  # the public archive's cached copies go when a letter is sent
