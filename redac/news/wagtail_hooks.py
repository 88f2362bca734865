from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Author, Keyword, KeywordGroup


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Auteurs")
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]


class KeywordGroupViewSet(SnippetViewSet):
    model = KeywordGroup
    icon = "folder-open-inverse"
    menu_label = _("Groupes de mots-clés")
    list_display = ["name", "slug"]


class KeywordViewSet(SnippetViewSet):
    model = Keyword
    icon = "tag"
    menu_label = _("Mots-clés")
    list_display = ["name", "group", "slug"]
    list_filter = ["group"]
    search_fields = ["name"]


class NewsroomGroup(SnippetViewSetGroup):
    items = (AuthorViewSet, KeywordGroupViewSet, KeywordViewSet)
    menu_icon = "group"
    menu_label = _("Auteurs et mots-clés")
    menu_name = "newsroom"


register_snippet(NewsroomGroup)


@hooks.register("register_admin_urls")
def spip_numbers_urls():
    from .admin_views import spip_numbers

    return [path("numeros-spip/", spip_numbers, name="news_spip_numbers")]


@hooks.register("insert_global_admin_js")
def spip_numbers_js():
    """The image and document choosers show each one's SPIP number with a one-click
    « insérer <img4> » (into the SPIP text being edited); image and document edit pages show
    « Document n° 4 »."""
    return format_html('<script src="{}" data-numbers-url="{}" id="news-spip-numbers" defer>'
                       "</script>", static("news/spip_numbers.js"),
                       reverse("news_spip_numbers"))  # fmt: skip
