from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_urls
from .admin_views import can_see_petitions
from .models import Petition


class PetitionViewSet(SnippetViewSet):
    """Creating and editing petitions (text, goal, dates, options); the menu entry is the
    petitions' own screen, which links here."""

    model = Petition
    icon = "list-ul"
    menu_label = _("Pétitions")
    add_to_admin_menu = False
    list_display = ["__str__", "goal", "closes_at", "signature_count"]


register_snippet(PetitionViewSet)


@hooks.register("register_admin_urls")
def register_petition_urls():
    return [path("petitions/", include(admin_urls, namespace="petitions_admin"))]


class PetitionsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_petitions(request.user)


@hooks.register("register_admin_menu_item")
def register_petitions_menu_item():
    return PetitionsMenuItem("Pétitions", reverse("petitions_admin:index"), icon_name="list-ul",
                             order=265)  # fmt: skip


@hooks.register("register_log_actions")
def register_petition_log_actions(actions):
    actions.register_action("petitions.export", _("Signatures exportées (CSV)"),
                            _("Signatures exportées (CSV)"))  # fmt: skip
    actions.register_action("petitions.erase", _("Signataires effacés"), _("Signataires effacés"))
