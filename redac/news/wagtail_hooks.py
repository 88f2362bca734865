from django.utils.translation import gettext_lazy as _
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
