"""The « Audience » tab of the page editor: the page's visits, popularity, last 30 days and
referrers, for users allowed to see statistics.

Added to every page type that counts visits from ``VisitsConfig.ready`` rather than by editing each
model's panels in ``redac.news``: statistics are this app's concern, and a page type added later
gets the tab without anyone remembering to add it.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, Panel, TabbedInterface

from .models import STATISTICS_PERMISSION


class VisitStatsPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "visits/admin/page_panel.html"

        def is_shown(self):
            user = getattr(self.request, "user", None)
            return bool(
                self.instance is not None and self.instance.pk and user is not None
                and user.has_perm(STATISTICS_PERMISSION)
            )  # fmt: skip

        def get_context_data(self, parent_context=None):
            from .views_admin import page_statistics_context

            context = super().get_context_data(parent_context)
            context.update(page_statistics_context(self.instance, compact=True))
            return context


def add_statistics_panel_to_page_types() -> None:
    from wagtail.models import Page

    from redac.core.models import VisitCounterMixin

    for model in apps.get_models():
        if not (issubclass(model, Page) and issubclass(model, VisitCounterMixin)):
            continue
        if "edit_handler" in vars(model):
            continue
        tabs = []
        if model.content_panels:
            tabs.append(ObjectList(model.content_panels, heading=_("Contenu")))
        if model.promote_panels:
            tabs.append(ObjectList(model.promote_panels, heading=_("Promotion")))
        if model.settings_panels:
            tabs.append(ObjectList(model.settings_panels, heading=_("Paramètres")))
        tabs.append(ObjectList([VisitStatsPanel()], heading=_("Audience")))
        model.edit_handler = TabbedInterface(
            tabs, base_form_class=getattr(model, "base_form_class", None)
        )
