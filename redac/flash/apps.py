from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashConfig(AppConfig):
    name = "redac.flash"
    label = "flash"
    verbose_name = _("Flash et campagnes")
