from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_urls, admin_views
from .models import NewsletterList


class NewsletterListViewSet(SnippetViewSet):
    model = NewsletterList
    icon = "mail"
    menu_label = _("Listes de diffusion")
    add_to_admin_menu = False
    list_display = ["name", "slug", "public"]


register_snippet(NewsletterListViewSet)


@hooks.register("register_admin_urls")
def register_newsletter_urls():
    return [
        path("lettre/export.csv", admin_views.export_csv, name="newsletter_export"),
        path("lettres/", include(admin_urls, namespace="newsletter_admin")),
    ]


class ExportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("newsletter.view_subscriber")


class LettersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.SEND)


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return ExportMenuItem("Abonnés à la lettre", reverse("newsletter_admin:subscribers"),
                          icon_name="user", order=270)  # fmt: skip


@hooks.register("register_admin_menu_item")
def register_letters_menu_item():
    return LettersMenuItem("Lettres d'information", reverse("newsletter_admin:index"),
                           icon_name="mail", order=268)  # fmt: skip
