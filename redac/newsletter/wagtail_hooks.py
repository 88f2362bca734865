from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_export_url():
    return [path("lettre/export.csv", admin_views.export_csv, name="newsletter_export")]


class ExportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("newsletter.view_subscriber")


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return ExportMenuItem("Abonnés à la lettre (CSV)", reverse("newsletter_export"),
                          icon_name="download", order=270)  # fmt: skip
