from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """The agenda (issue 21): a feature app over core, delivery and news; nothing imports it but
    the settings, the URLs, the demo builder and the theme's templates."""

    name = "redac.agenda"
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from . import invalidation, registrations

        invalidation.register()
        registrations.register()
