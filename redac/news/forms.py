"""The admin form of every redac page: the address (slug) is made from the title when it is
left empty, as SPIP's « URLs propres » make it, so that a new text saved with only its title
and its body is saved at the first click (issue 16), whatever tab the slug field sits in."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm

from redac.core.slugs import spip_slug


class PageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        data = self.cleaned_data
        if "slug" in self.fields and not data.get("slug") and data.get("title"):
            data["slug"] = available_slug(
                spip_slug(data["title"]) or "page", self.parent_page, self.instance
            )
        return super().clean()


def available_slug(slug: str, parent, instance) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… the first one no sibling under ``parent`` holds."""
    from wagtail.models import Page

    if parent is None:
        return slug
    candidate, number = slug, 1
    while not Page._slug_is_available(candidate, parent, instance):
        number += 1
        candidate = f"{slug}-{number}"
    return candidate
