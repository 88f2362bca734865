from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``redac demo``: a small, complete newsroom built from every content app."""

    name = "redac.demo"
    label = "demo"
    verbose_name = "Site de démonstration"
