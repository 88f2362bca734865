from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashConfig(AppConfig):
    name = "redac.flash"
    label = "flash"
    verbose_name = _("Flash et campagnes")

    def ready(self) -> None:
        from . import invalidation

        # what the page cache must purge when the ticker or the banner changes (redac.core.signals)
        invalidation.register()
