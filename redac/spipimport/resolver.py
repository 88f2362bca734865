"""What only the importer knows about SPIP references: old addresses and virtual articles.

SPIP shortcuts in texts (``[->art12]``, ``<doc3|center>``) resolve through the SPIP numbers of
``redac.news`` (``redac.news.resolver``), for imported objects and redac's own alike. This module
adds what the import keeps beside the content:

- :func:`url_for_ref`: where an old address's target now is (the legacy middleware), only what
  readers may see (a page that is live and not restricted, a public document);
- SPIP's virtual articles, which are redirects and not pages: ``[->art5]`` to a published virtual
  article links to its old address, which answers 301 to its target (registered as a link
  fallback in :mod:`redac.core.spiplinks`);
- a document's SPIP caption (title, description, credits) for ``<docN>``.

:class:`RecordingResolver` lists, during the import, the references each text makes.
"""

from __future__ import annotations

from wagtail.models import Page


def _record(ref: str):
    from .models import ImportRecord

    return ImportRecord.objects.filter(ref=ref).values_list("model", "object_id", "extra").first()


def object_for_ref(ref: str):
    """The object a SPIP reference now is, if readers may see it; else None."""
    from django.apps import apps

    from redac.news.resolver import _visible_page, in_public_collection

    found = _record(ref)
    if not found or found[1] is None:
        return None
    model_label, object_id, extra = found
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is None:
        return None
    if isinstance(obj, Page):  # news' pages and the feature apps' (events)
        return _visible_page(obj)
    if hasattr(obj, "collection_id") and not in_public_collection(obj):
        return None
    obj.spip_extra = extra or {}
    return obj


def url_for_ref(ref: str) -> str | None:
    from redac.news.resolver import public_file_url

    obj = object_for_ref(ref)
    if obj is None:
        return None
    if hasattr(obj, "get_url"):  # pages
        return obj.get_url()
    if hasattr(obj, "file") and (hasattr(obj, "get_rendition") or hasattr(obj, "url")):
        return public_file_url(obj)  # images (a rendition), documents
    if hasattr(obj, "get_absolute_url"):
        from redac.news.models import Author, published_authors

        # an author has a page only once something of theirs is published (issue 15): an old
        # address never leads to a 404
        if isinstance(obj, Author) and not published_authors().filter(pk=obj.pk).exists():
            return None
        return obj.get_absolute_url()
    return None


def new_address(legacy_url) -> str:
    """Where an old address (a ``LegacyURL``) answers now (301), or "" when its target is not
    (or no longer) public."""
    if legacy_url.target_url:
        return legacy_url.target_url
    return url_for_ref(legacy_url.target_ref) or ""


def virtual_article_link(kind: str, number: int):
    """``[->art5]`` where article 5 was a published SPIP virtual article: its old address, which
    answers 301 to where it pointed (only when that target answers)."""
    if kind != "article":
        return None
    from . import legacy
    from .models import LegacyURL

    key = legacy.canonical("article", number)
    row = LegacyURL.objects.filter(key=key).values_list("target_ref", "target_url").first()
    if row is None:
        return None
    target_ref, target_url = row
    if target_url or (target_ref and url_for_ref(target_ref)):
        return ("/" + key, "")
    return None


def document_caption(obj) -> dict:
    """SPIP's own title, description and credits of an imported document."""
    from redac.news import numbers

    number = numbers.number_of(obj)
    if number is None:
        return {}
    found = _record(f"spip:document:{number}")
    if not found:
        return {}
    extra = found[2] or {}
    return {key: extra.get(key, "") for key in ("titre", "descriptif", "credits")}


def register() -> None:
    from redac.core import spiplinks

    from .translations import translations_of

    spiplinks.register_link_fallback(virtual_article_link)
    spiplinks.register_document_caption(document_caption)
    spiplinks.register_translations(translations_of)


class RecordingResolver:
    """Wraps a lookup during the import to list the references a text makes (``seen``) and
    those that resolve to nothing (``missing``)."""

    def __init__(self, lookup) -> None:
        self.lookup = lookup
        self.seen: list[str] = []
        self.missing: list[str] = []

    def _check(self, ref: str) -> bool:
        self.seen.append(ref)
        if self.lookup(ref):
            return True
        self.missing.append(ref)
        return False

    def link(self, kind: str, id: int):
        ref = f"spip:{kind}:{int(id)}"
        return (f"#{ref}", ref) if self._check(ref) else None

    def document(self, id: int, *, align: str = "", kind: str = "doc"):
        return "<span></span>" if self._check(f"spip:document:{int(id)}") else None
