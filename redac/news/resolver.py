"""The SPIP link resolver: ``[->article19]``, ``[->breve3]``, ``[->rubrique2]``, ``[->auteur2]``,
``[->mot7]``, ``[->doc4]``, ``<img4|center>``, ``<doc4>``, ``<emb4>`` -> the objects they name.

Articles, brèves, sections and documents are found by their SPIP number (:mod:`redac.news.numbers`),
whether they were imported from SPIP or made in redac; authors and keywords, which have no number in
redac, by the SPIP reference they were imported with. Implements ``redac.typo``'s ``Resolver``.

No output links to an address that does not answer: only what readers may see resolves to a link.
A draft, an unpublished, restricted or deleted object, or a number that names nothing, gives the
link's text without a link (``(None, "")``: never the title of something readers may not see);
apps above may still know an address for it (SPIP's virtual articles, registered by
``redac.spipimport`` in :mod:`redac.core.spiplinks`).
"""

from __future__ import annotations

from django.utils.html import escape

from redac.core import spiplinks

from . import numbers

NO_LINK = (None, "")


def _visible_page(page):
    """The page if readers may see it (live, not restricted), else None."""
    from .models import published

    if page is None:
        return None
    return published(type(page)).filter(pk=page.pk).first()


def public_file_url(obj) -> str:
    """The address readers get for a document or an image: a document's own (Wagtail serves it,
    refusing private collections), an image's rendition at its original size (the original file
    is never served)."""
    if hasattr(obj, "get_rendition"):
        return obj.get_rendition("original").url
    return obj.url


def in_public_collection(obj) -> bool:
    """Images and documents in a private collection (Wagtail's collection view restrictions)
    stay hidden from readers."""
    from wagtail.models import CollectionViewRestriction

    collection = getattr(obj, "collection", None)
    if collection is None:
        return True
    return not CollectionViewRestriction.objects.filter(
        collection__in=collection.get_ancestors(inclusive=True)
    ).exists()


class NumberResolver:
    """One instance per rendering; lookups are cached in it."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], object] = {}

    def _object(self, kind: str, number: int):
        key = (kind, number)
        if key not in self._cache:
            self._cache[key] = self._find(kind, number)
        return self._cache[key]

    @staticmethod
    def _find(kind: str, number: int):
        if kind in (numbers.Kind.ARTICLE, numbers.Kind.BREVE, numbers.Kind.RUBRIQUE):
            page = numbers.object_for(kind, number)
            return _visible_page(page.specific if page is not None else None)
        if kind == numbers.Kind.DOCUMENT:
            obj = numbers.object_for(kind, number)
            if obj is not None and not in_public_collection(obj):
                return None
            return obj
        if kind in ("auteur", "mot"):
            from .models import Author, Keyword

            model = Author if kind == "auteur" else Keyword
            return model.objects.filter(import_ref=f"spip:{kind}:{number}").first()
        return None

    def link(self, kind: str, id: int):
        number = int(id)
        obj = self._object(kind, number)
        if obj is None:
            for fallback in spiplinks.link_fallbacks:
                found = fallback(kind, number)
                if found:
                    return found
            return NO_LINK
        if kind == numbers.Kind.DOCUMENT:
            return (public_file_url(obj), obj.title or "")
        url = obj.get_url() if hasattr(obj, "get_url") else obj.get_absolute_url()
        if not url:
            return NO_LINK
        title = getattr(obj, "title", None) or getattr(obj, "name", "")
        lang = getattr(obj, "lang", "") if kind in ("article", "breve") else ""
        return (url, str(title), lang) if lang else (url, str(title))

    def document(self, id: int, *, align: str = "", kind: str = "doc"):
        obj = self._object(numbers.Kind.DOCUMENT, int(id))
        if obj is None:
            return None
        align_class = f" spip-doc--{align}" if align in ("left", "right", "center") else ""
        extra: dict = {}
        for caption in spiplinks.document_captions:
            extra = caption(obj) or extra
        if hasattr(obj, "get_rendition"):  # an image
            rendition = obj.get_rendition("max-800x800")
            alt = escape(obj.description or "")
            img = (f'<img src="{escape(rendition.url)}" width="{rendition.width}" '
                   f'height="{rendition.height}" alt="{alt}">')  # fmt: skip
            if kind == "img":
                return f'<span class="spip-doc spip-doc--img{align_class}">{img}</span>'
            # SPIP's caption: title, description, credits (modeles/document.html)
            title = extra.get("titre", obj.title) if extra else obj.title
            parts = [f"<strong>{escape(title)}</strong>" if title else "",
                     escape(extra.get("descriptif", "")), escape(extra.get("credits", ""))]  # fmt: skip
            caption_html = "<br>".join(p for p in parts if p)
            figcaption = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
            return f'<figure class="spip-doc{align_class}">{img}{figcaption}</figure>'
        title = escape(obj.title or obj.filename)
        return (f'<p class="spip-doc spip-doc--file{align_class}"><a href="{escape(obj.url)}">'
                f"{title}</a> ({escape(obj.file_extension.upper())})</p>")  # fmt: skip


def register() -> None:
    spiplinks.register_resolver(NumberResolver)
