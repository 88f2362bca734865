from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "redac.core"
    label = "core"
    verbose_name = _("Socle du site")

    def ready(self):
        from django.db.models.signals import pre_save
        from wagtail.images import get_image_model

        from . import invalidation
        from .uploads import strip_location_on_save

        # Every original image loses its GPS position before it is stored (security case 43).
        pre_save.connect(
            strip_location_on_save, sender=get_image_model(), dispatch_uid="redac_strip_gps"
        )
        # the site identity shows on every page (redac.core.signals)
        invalidation.register()
