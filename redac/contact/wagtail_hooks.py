from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [path("messages/", include(admin_urls, namespace="contact_admin"))]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("contact.view_contactmessage")


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem("Messages reçus", reverse("contact_admin:inbox"), icon_name="mail",
                         order=250)  # fmt: skip
