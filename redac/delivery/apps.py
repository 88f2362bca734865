from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "redac.delivery"
    label = "delivery"
    verbose_name = "Diffusion"

    def ready(self):
        from . import signals  # noqa: F401  (connects the invalidation handlers)
