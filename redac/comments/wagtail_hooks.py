from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .services import moderatable_pages


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("commentaires/", include(admin_urls, namespace="comments_admin"))]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return moderatable_pages(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModerationMenuItem("Commentaires", reverse("comments_admin:queue"),
                              icon_name="comment", order=260)  # fmt: skip
