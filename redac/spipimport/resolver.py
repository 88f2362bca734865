"""Resolving SPIP references (``[->art12]``, ``<doc3|center>``, old URLs) to imported objects.

:class:`ImportedObjectsResolver` implements ``redac.typo``'s resolver contract; the ``|spip``
template filter passes it to every rendering, so links written in SPIP markup keep working after
the import (imported texts are stored as SPIP markup, not pre-rendered HTML). Only what a reader
may see resolves: a link to a draft renders as a link to a missing object, never leaking its title.
"""

from __future__ import annotations

from django.utils.html import escape

REF_MODELS = {
    "article": "news.ArticlePage",
    "breve": "news.BrevePage",
    "rubrique": "news.SectionPage",
    "auteur": "news.Author",
    "mot": "news.Keyword",
}


def _record(ref: str):
    from .models import ImportRecord

    return ImportRecord.objects.filter(ref=ref).values_list("model", "object_id", "extra").first()


def _page(object_id):
    from wagtail.models import Page

    from redac.news.models import published

    return published(Page).filter(pk=object_id).first()


def object_for_ref(ref: str):
    """The live object a SPIP reference now is, or None."""
    found = _record(ref)
    if not found:
        return None
    model, object_id, extra = found
    if model.startswith("news.") and model.endswith("page"):
        return _page(object_id)
    from django.apps import apps

    obj = apps.get_model(model).objects.filter(pk=object_id).first()
    if obj is not None:
        obj.spip_extra = extra or {}
    return obj


def url_for_ref(ref: str) -> str | None:
    obj = object_for_ref(ref)
    if obj is None:
        return None
    if hasattr(obj, "get_url"):  # pages
        return obj.get_url()
    if hasattr(obj, "file") and hasattr(obj, "get_rendition"):  # images: the original file
        return obj.file.url
    if hasattr(obj, "url"):  # documents
        return obj.url
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return None


class ImportedObjectsResolver:
    """``link(kind, id)`` and ``document(id, align, kind)`` for ``redac.typo``, backed by
    :class:`ImportRecord`. One instance per rendering; lookups are cached in it."""

    def __init__(self) -> None:
        self._cache: dict[str, object] = {}

    def _get(self, ref: str):
        if ref not in self._cache:
            self._cache[ref] = object_for_ref(ref)
        return self._cache[ref]

    def link(self, kind: str, id: int):
        obj = self._get(f"spip:{kind}:{int(id)}")
        if obj is None:
            return None
        url = url_for_ref(f"spip:{kind}:{int(id)}")
        if not url:
            return None
        title = getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)
        lang = getattr(getattr(obj, "specific_deferred", obj), "lang", "") if kind in (
            "article", "breve") else ""  # fmt: skip
        return (url, str(title), lang) if lang else (url, str(title))

    def document(self, id: int, *, align: str = "", kind: str = "doc"):
        obj = self._get(f"spip:document:{int(id)}")
        if obj is None:
            return None
        align_class = f" spip-doc--{align}" if align in ("left", "right", "center") else ""
        if hasattr(obj, "get_rendition"):  # a Wagtail image
            rendition = obj.get_rendition("max-800x800")
            extra = getattr(obj, "spip_extra", {})
            alt = escape(obj.description or "")
            img = (f'<img src="{escape(rendition.url)}" width="{rendition.width}" '
                   f'height="{rendition.height}" alt="{alt}">')  # fmt: skip
            if kind == "img":
                return f'<span class="spip-doc spip-doc--img{align_class}">{img}</span>'
            # SPIP's caption: title, description, credits (modeles/document.html)
            parts = [f"<strong>{escape(obj.title)}</strong>" if extra.get("titre") else "",
                     escape(extra.get("descriptif", "")), escape(extra.get("credits", ""))]  # fmt: skip
            caption = "<br>".join(p for p in parts if p)
            figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
            return f'<figure class="spip-doc{align_class}">{img}{figcaption}</figure>'
        title = escape(obj.title or obj.filename)
        return (f'<p class="spip-doc spip-doc--file{align_class}"><a href="{escape(obj.url)}">'
                f"{title}</a> ({escape(obj.file_extension.upper())})</p>")  # fmt: skip


class RecordingResolver:
    """Wraps a resolver during the import to list the references that resolve to nothing."""

    def __init__(self, lookup) -> None:
        self.lookup = lookup  # callable(ref) -> bool (imported and visible)
        self.missing: list[str] = []

    def link(self, kind: str, id: int):
        ref = f"spip:{kind}:{int(id)}"
        if self.lookup(ref):
            return (f"#{ref}", ref)
        self.missing.append(ref)
        return None

    def document(self, id: int, *, align: str = "", kind: str = "doc"):
        ref = f"spip:document:{int(id)}"
        if self.lookup(ref):
            return "<span></span>"
        self.missing.append(ref)
        return None
