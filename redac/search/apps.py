from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "redac.search"
    # wagtail.search already uses the label "wagtailsearch"; "search" alone is too generic to be
    # safe next to third-party apps.
    label = "redac_search"
    verbose_name = "Recherche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
