from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "redac.news"
    label = "news"
    verbose_name = _("Rédaction")

    def ready(self) -> None:
        from . import invalidation, numbers, resolver

        # every article, brève, section, image and document gets its SPIP number when created
        numbers.connect_signals()
        # SPIP shortcuts ([->article19], <img4>) in every text resolve through those numbers
        resolver.register()
        # what the page cache must purge when news content changes (redac.core.signals)
        invalidation.register()
