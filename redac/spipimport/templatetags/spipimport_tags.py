"""``{% spip_translations page %}``: the other languages of an article imported from SPIP.

SPIP groups translations with ``id_trad``; redac runs without Wagtail's i18n (one locale), so the
importer records the group on each article's ImportRecord and this tag cross-links them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("spipimport/translations.html")
def spip_translations(page):
    ref = getattr(page, "import_ref", None) or ""
    translations = []
    if ref.startswith("spip:article:"):
        from redac.news.models import ArticlePage

        from ..models import ImportRecord

        extra = ImportRecord.objects.filter(ref=ref).values_list("extra", flat=True).first()
        group = (extra or {}).get("trad")
        if group:
            ids = ImportRecord.objects.filter(
                ref__startswith="spip:article:", extra__trad=group
            ).values_list("object_id", flat=True)
            translations = list(
                ArticlePage.objects.live().public().filter(pk__in=list(ids)).exclude(pk=page.pk)
                .order_by("lang")
            )  # fmt: skip
    return {"translations": translations}
