"""« Article n° 19 » at the top of the edit form of articles, brèves and sections."""

from __future__ import annotations

from wagtail.admin.panels import Panel

from . import numbers

SHORTCUTS = {numbers.Kind.ARTICLE: "article", numbers.Kind.BREVE: "breve",
             numbers.Kind.RUBRIQUE: "rubrique"}  # fmt: skip


class SpipNumberPanel(Panel):
    """The object's SPIP number and the shortcut that links to it (``[->article19]``)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "news/admin/spip_number_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            instance = self.instance
            number = numbers.number_of(instance) if instance is not None else None
            kind = numbers.kind_of(instance) if instance is not None else None
            context["label"] = numbers.label_of(instance) if number is not None else ""
            context["shortcut"] = (f"[->{SHORTCUTS[kind]}{number}]"
                                   if number is not None and kind in SHORTCUTS else "")  # fmt: skip
            return context
