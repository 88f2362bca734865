from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CampaignBanner, FlashItem


class FlashItemViewSet(SnippetViewSet):
    model = FlashItem
    icon = "warning"
    menu_label = _("Flashs")
    # The status as a tag in the newsroom's words (« publié en ligne »), not a raw True/False;
    # its label given lazily (Wagtail's default is translated once, at import: « Status »).
    list_display = ["title", "date", LiveStatusTagColumn(label=_("Statut")), "expire_at"]
    list_filter = ["live"]
    ordering = ["-date"]
    search_fields = ["title"]


class CampaignBannerViewSet(SnippetViewSet):
    model = CampaignBanner
    icon = "pick"
    menu_label = _("Bannières de campagne")
    list_display = ["title", "starts_at", "ends_at", LiveStatusTagColumn(label=_("Statut"))]


class FlashGroup(SnippetViewSetGroup):
    items = (FlashItemViewSet, CampaignBannerViewSet)
    menu_icon = "warning"
    menu_label = _("Flash et campagnes")
    menu_name = "flash"


register_snippet(FlashGroup)
