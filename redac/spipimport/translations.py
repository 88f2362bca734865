"""The other languages of an article imported from SPIP.

SPIP groups translations with ``id_trad``; redac runs without Wagtail's i18n (one locale), so the
importer records the group on each article's ImportRecord (``extra["trad"]``) and the article page
cross-links them: a visible "Cet article existe aussi en" line and ``hreflang`` alternates in the
page's head (redac.news.templatetags.news_seo)."""

from __future__ import annotations


def translations_of(page) -> list:
    """Live, public articles of ``page``'s translation group, other than ``page``, by language.
    Kept on the page: the byline line and the head's alternates ask for it in the same request."""
    cached = getattr(page, "_redac_translations", None)
    if cached is not None:
        return cached
    translations = []
    ref = getattr(page, "import_ref", None) or ""
    if ref.startswith("spip:article:"):
        from redac.news.models import ArticlePage, published

        from .models import ImportRecord

        extra = ImportRecord.objects.filter(ref=ref).values_list("extra", flat=True).first()
        group = (extra or {}).get("trad")
        if group:
            ids = ImportRecord.objects.filter(
                ref__startswith="spip:article:", extra__trad=group
            ).values_list("object_id", flat=True)
            translations = list(
                published(ArticlePage).filter(pk__in=list(ids)).exclude(pk=page.pk).order_by("lang")
            )
    page._redac_translations = translations
    return translations
