from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpipImportConfig(AppConfig):
    name = "redac.spipimport"
    label = "spipimport"
    verbose_name = _("Import SPIP")

    def ready(self) -> None:
        from . import resolver

        # what only the import knows: virtual articles, documents' SPIP captions
        resolver.register()
