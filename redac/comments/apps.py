from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "redac.comments"
    label = "comments"
    verbose_name = "Commentaires des lecteurs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data  # noqa: F401  (registers the GDPR export/erase provider)
        from .invalidation import register as register_invalidation

        # a page's comments show on it and on the listings of its count (redac.core.signals)
        register_invalidation()
