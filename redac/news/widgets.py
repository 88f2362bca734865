"""The keywords of an article or a brève as checkboxes grouped by keyword group (« Thèmes »,
« Pays »…), each group a fieldset with its legend: what SPIP's editors tick, instead of a bare
multiple ``<select>`` that needs Ctrl-click (issue 16)."""

from __future__ import annotations

from django import forms


class GroupedKeywordsWidget(forms.CheckboxSelectMultiple):
    template_name = "news/widgets/grouped_keywords.html"

    def optgroups(self, name, value, attrs=None):
        """Django's option groups, made from each keyword's group (the field's queryset reads
        the groups with the keywords: one query)."""
        groups: dict[str, list] = {}
        index = 0
        for option_value, option_label in self.choices:
            instance = getattr(option_value, "instance", None)
            group = instance.group.name if instance is not None else ""
            label = instance.name if instance is not None else option_label
            selected = str(option_value) in value
            option = self.create_option(name, option_value, label, selected, index, attrs=attrs)
            groups.setdefault(group, []).append(option)
            index += 1
        return [(group, options, position) for position, (group, options) in
                enumerate(groups.items())]  # fmt: skip

    def format_value(self, value):
        return [str(v) for v in super().format_value(value)]


def keyword_field_panel(field_name: str = "keywords"):
    from wagtail.admin.panels import FieldPanel

    return FieldPanel(field_name, widget=GroupedKeywordsWidget)
