from django.apps import AppConfig


class ThemeConfig(AppConfig):
    name = "redac.theme"
    label = "theme"
    verbose_name = "Thème public"
