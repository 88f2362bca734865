from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "redac.delivery"
    label = "delivery"
    verbose_name = "Diffusion"

    def ready(self):
        from redac.core import health, remembered
        from redac.core import signals as registry
        from redac.core.jobs import every_node_tick
        from redac.core.metrics import BACKLOGS

        from . import (
            conf,
            signals,  # noqa: F401  (connects the invalidation handlers)
        )
        from .chrome import site_wide
        from .jobs import apply_local_purges
        from .outbox import backlog

        BACKLOGS["invalidations"] = backlog  # redac_outbox_backlog{outbox="invalidations"}
        # Sites and view restrictions decide what every URL shows; redac.delivery.chrome keeps
        # them in each worker's memory until the next invalidation.
        registry.register_site_wide("wagtailcore.Site")
        registry.register_site_wide("wagtailcore.PageViewRestriction")
        # core's site-wide values live in this worker's memory until the next invalidation
        remembered.provide(site_wide)
        # each node's static folder follows the purges written by any node (redac worker's tick)
        every_node_tick.connect(apply_local_purges, dispatch_uid="delivery.apply_local")
        # /readyz: the configured page-cache store answers
        health.CHECKS["cache"] = lambda: conf.get_store().ping()
