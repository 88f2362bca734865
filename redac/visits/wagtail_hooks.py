from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from .models import STATISTICS_PERMISSION


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(STATISTICS_PERMISSION)


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [path("statistiques/", include("redac.visits.urls_admin", namespace="visits_admin"))]


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return StatisticsMenuItem(
        _("Statistiques"), reverse("visits_admin:dashboard"), icon_name="view", order=850
    )


@hooks.register("register_permissions")
def register_statistics_permission():
    """Lets an admin grant « Peut consulter les statistiques » to a group (Paramètres > Groupes);
    superusers have it already."""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="visits", codename="view_statistics")


@hooks.register("register_page_header_buttons")
def page_statistics_button(page, user, view_name=None, next_url=None):
    if page.pk and user.has_perm(STATISTICS_PERMISSION):
        yield Button(_("Statistiques"), reverse("visits_admin:page", args=[page.pk]),
                     icon_name="view", priority=60)  # fmt: skip
