from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "redac.delivery"
    label = "delivery"
    verbose_name = "Diffusion"

    def ready(self):
        from redac.core.metrics import BACKLOGS

        from . import signals  # noqa: F401  (connects the invalidation handlers)
        from .outbox import backlog

        BACKLOGS["invalidations"] = backlog  # redac_outbox_backlog{outbox="invalidations"}
