from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "redac.visits"
    label = "visits"
    verbose_name = _("Statistiques de visites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import panels

        panels.add_statistics_panel_to_page_types()
