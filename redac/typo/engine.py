"""The SPIP text pipeline: ``propre()``, ``typo()`` and ``render()``.

Order of operations, as in SPIP 4.3 with textwheel (``propre()`` in ``inc/texte.php``):

1. ``echappe_html``: hide ``<code>``, ``<cadre>``, ``<html>``, ``<script>``…;
2. ``expanser_liens``: glossary, anchors, bare URLs, ``[texte->cible]`` links (held
   aside), models ``<docN>``, then typography of the whole text, links put back;
3. ``traiter_raccourcis``: notes are extracted, then the block wheel runs;
4. markers are restored and the result is sanitised (redac only).

``typo()`` runs only steps 1 and the typography of step 2 (plus models).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import partial

from . import blocks, budget, embeds, links, math, multi, typography
from .escapes import MARK, Escapes, echappe_html
from .notes import Notes
from .sanitize import NO_HINTS, clean, clean_with_tokens, hints_of, merge_hints, precleaned

LINK_MARK_OPEN = "\ufdd1"
LINK_MARK_CLOSE = "\ufdd2"
_LINK_MARK = re.compile(LINK_MARK_OPEN + r"(\d+)" + LINK_MARK_CLOSE)
_HREF = re.compile(r'href="([^"]*)"')
# control characters and the internal noncharacters are removed from every input
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef]")
_CONTROL_CHARS = tuple(
    chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0xFDD0, 0xFDF0)]
)
_PHP_TAGS = re.compile(r"<(\?|%)")
# SPIP's public pages show a typed <base> as text (interdire_scripts(): "pas de <base href />")
_BASE_TAG = re.compile(r"<(base\b)", re.I)
# '&' that does not start an entity is escaped ("AT&T", "&amp déjà"); "&#0;" too
_BARE_AMP = re.compile(
    r"&(?!(?:#0*[1-9]\d{0,6}|#[xX]0*[1-9a-fA-F][0-9a-fA-F]{0,5}|[a-zA-Z][a-zA-Z0-9]{1,31});)"
)

_ALIGNMENTS = {
    "left": "left",
    "right": "right",
    "center": "center",
    "gauche": "left",
    "droite": "right",
    "centre": "center",
}

#: Shortcut pseudo-tags a reader may use in untrusted mode.
_UNTRUSTED_ALLOWED = re.compile(
    r"</?(?:quote|code|cadre|frame|poesie|poetry|multi|intro)\b[^<>]*>", re.I
)


# Work units charged per character by each stage (redac.typo.budget): the number of passes
# the stage makes over its text, each reading every character a bounded number of times.
_PASSES_PREPARE = 3
_PASSES_LINKS = 12
_PASSES_TYPO = 16
_PASSES_BLOCKS = 32
_PASSES_FINISH = 8


@dataclass(frozen=True)
class Rendered:
    """Result of :func:`render`: the body HTML and the separate notes block."""

    html: str
    notes: str

    def __str__(self) -> str:  # convenient in templates
        return self.html


class _Renderer:
    def __init__(self, lang: str, resolver, trusted: bool, embeds=None) -> None:
        self.lang = lang or "fr"
        self.resolver = resolver
        self.trusted = trusted
        self.embeds = embeds
        self.escapes = Escapes()
        self.notes = Notes(
            self.escapes, label="Notes" if typography.lang_is_french(self.lang) else "Footnotes"
        )
        self.link_ctx = links.LinkContext(
            self.lang, resolver, self.escapes, self._typo_fragment, trusted
        )
        self._documents: dict[tuple[int, str, str], str] = {}
        #: what the sanitiser must know (unknown element names, typed styles): every such tag
        #: or attribute comes from the input or a resolver's document, so they are read there
        self.hints = NO_HINTS

    # ---------------------------------------------------------------- helpers
    def _prepare(self, text: str) -> str:
        # (one "in" per character: instant for the internal noncharacters on a text with
        # none above U+00FF, and a fast memchr for the others, where the class scan is slow)
        budget.charge(_PASSES_PREPARE * len(text))
        if any(c in text for c in _CONTROL_CHARS):
            text = _CONTROL.sub("", text)
        self.hints = hints_of(text)
        if "<" in text:
            if not self.trusted:
                text = _escape_untrusted(text)
        return text

    def _typo_fragment(self, text: str, lang: str) -> str:
        """``typo()`` on a link text, in ``lang`` (markers stay in place)."""
        budget.charge(_PASSES_TYPO * len(text))
        text = echappe_html(text, self.escapes, trusted=self.trusted)
        text = self._models(text, sources=None)
        text = self._corriger(text, lang)
        return typography.echapper_faux_tags(text)

    def _corriger(self, text: str, lang: str) -> str:
        if "<" in text:
            text = multi.extraire_idiome(text, lang)
            text = multi.extraire_multi(text, lang)
        return typography.corriger_typo(text, lang)

    # ---------------------------------------------------------------- models
    _MODEL_START = re.compile(r"<[a-zA-Z_-]{3,}\s*[0-9|]+")
    _MODEL = re.compile(
        r"<([a-zA-Z_-]{3,})\s*([0-9]*)\s*(\|(?:<[^<>]*>|[^>])*?)?\s*/?>(\s*</a>)?", re.S
    )
    _DOC_KINDS = {"doc": "doc", "img": "img", "emb": "emb", "image": "img"}

    def _models(
        self, text: str, sources: list[tuple[str, str]] | None, link_before: str | None = None
    ) -> str:
        if "<" not in text or not self._MODEL_START.search(text):
            return text
        out: list[str] = []
        pos = 0
        model_start = self._MODEL_START.match
        documents = self._DOC_KINDS
        # Every model ends with '>': after the last '>' of the text none can match, and
        # searching there would read to the end of the text from each unclosed '<docN|'
        # (quadratic). Before it, the parameters always reach a '>', so each candidate reads
        # only up to the end of its own match: the whole search reads the text once.
        last = text.rfind(">")
        budget.charge(2 * len(text))
        for m in self._MODEL.finditer(text, 0, last + 1):
            start = m.start()
            kind, ident, params, closing_a = m.group(1, 2, 3, 4)
            doc_kind = documents.get(kind.lower())
            # (a document with its number always passes the start check)
            if not (doc_kind and ident) and not model_start(text, start):
                continue
            end = m.end() if not closing_a else (m.end(3) if params else m.end(2)) + 1
            out.append(text[pos:start])
            pos = end
            if doc_kind and ident:
                align = ""
                if params:
                    for piece in params.split("|")[1:]:
                        piece = piece.strip().lower()
                        if piece in _ALIGNMENTS:
                            align = _ALIGNMENTS[piece]
                key = (int(ident), align, doc_kind)
                marker = self._documents.get(key)
                if marker is None:
                    # one resolver call per distinct document of the text: the same
                    # shortcut repeated reuses the block (and its protection marker)
                    block = None
                    if self.resolver is not None:
                        try:
                            block = self.resolver.document(key[0], align=align, kind=doc_kind)
                        except Exception:
                            block = None
                    marker = ""
                    if block:
                        self.hints = merge_hints(self.hints, hints_of(block))
                        marker = self.escapes.hide(block, deferred=partial(precleaned, block))
                    self._documents[key] = marker
                out.append(marker)
                continue
            source = m.group(0) if not closing_a else text[start : end - 1] + ">"
            if sources:
                source = _LINK_MARK.sub(lambda lm: sources[int(lm.group(1))][0], source)
            out.append(self.escapes.hide("<tt>" + html.escape(source, quote=False) + "</tt>"))
        out.append(text[pos:])
        return "".join(out)

    # ---------------------------------------------------------------- links
    def _expanser_liens(self, text: str) -> str:
        ctx = self.link_ctx
        budget.charge(_PASSES_LINKS * len(text))
        if "<" in text:
            text = links.resources(text, ctx)
        if "[" in text:
            text = links.glossary_links(text, ctx)
            text = links.anchors(text)
        text = links.autolinks(text, ctx)
        if "\\" in text and ("\\[" in text or "\\]" in text):
            text = text.replace("\\[", "\ufdec").replace("\\]", "\ufded")
        rendered: list[str] = []
        sources: list[tuple[str, str]] = []
        if "->" in text:
            spans = links.find_link_shortcuts(text)
            if spans:
                out: list[str] = []
                pos = 0
                for start, end, label, target in spans:
                    out.append(text[pos:start])
                    out.append(f"{LINK_MARK_OPEN}{len(rendered)}{LINK_MARK_CLOSE}")
                    source = text[start : end + 1]
                    if target.startswith("<a"):
                        # the target was auto-linked: SPIP keeps its href (extraire_attribut)
                        href = _HREF.search(target)
                        href_value = html.unescape(href.group(1)) if href else ""
                        source = source.replace(target, href_value)
                        target = href_value
                    sources.append((source, ""))
                    rendered.append(self._link(label, target))
                    pos = end + 1
                out.append(text[pos:])
                text = "".join(out)
        text = self._models(text, sources)
        if "\ufdec" in text or "\ufded" in text:
            text = text.replace("\ufdec", "[").replace("\ufded", "]")
        text = self._corriger(text, self.lang)
        if rendered:
            text = _LINK_MARK.sub(lambda m: rendered[int(m.group(1))], text)
        return text

    def _link(self, label: str, target: str) -> str:
        target = target[1:] if target.startswith(">") else target
        texte, bulle, hlang = links.split_link_attributes(label)
        if bulle:
            from .plain import nettoyer_raccourcis_typo

            bulle = nettoyer_raccourcis_typo(self.escapes.strip(bulle))
        if "<" in texte and self._MODEL_START.search(texte):
            # a model inside a link: the link wraps the model's block
            inner = self._models(texte, None)
            link = links.render_link(
                self.link_ctx, target, inner, "", bulle, hlang, text_is_html=True
            )
            if "class=" in link[:200]:
                link = link.replace("class='", "class='spip_doc_lien ", 1)
            return self.escapes.hide(link)
        return links.render_link(self.link_ctx, target, texte, "", bulle, hlang)

    # ---------------------------------------------------------------- main
    def propre(self, text: str, *, paragraph: bool = True) -> str:
        text = self._prepare(text)
        return self._propre_prepared(text, paragraph=paragraph)

    def _after_echappe(self, text: str) -> str:
        if ("?" in text and "<?" in text) or ("%" in text and "<%" in text):
            text = _PHP_TAGS.sub(r"&lt;\1", text)
        if "<" in text and _BASE_TAG.search(text):
            text = _BASE_TAG.sub(r"&lt;\1", text)
        return text

    def _propre_prepared(self, text: str, *, paragraph: bool = True) -> str:
        if not text:
            return ""
        text = echappe_html(text, self.escapes, trusted=self.trusted)
        text = self._after_echappe(text)
        if "<" in text:
            text = embeds.rewrite_iframes(text, self.embeds, self.escapes.hide)
            text = math.traiter_math(text, self.escapes.hide)
        text = self._expanser_liens(text)
        text = self.notes.extract(text)
        budget.charge(_PASSES_BLOCKS * len(text))
        return blocks.raccourcis(text, paragraph=paragraph, escapes=self.escapes)

    def notes_block(self) -> str:
        """Render the collected notes (SPIP ``traiter_les_notes`` + ``propre``).

        Note texts were cut from a text whose links, models and typography were already
        processed, so only the block wheel runs again (SPIP re-runs the whole ``propre``,
        which is idempotent on such text).  Notes inside notes are collected in turn.
        """
        if not self.notes.items:
            return ""
        source = self.notes.block_source()
        self.notes.items = []
        text = self.notes.extract(source)
        budget.charge(_PASSES_BLOCKS * len(text))
        body = blocks.raccourcis(text, escapes=self.escapes)
        more = self.notes_block() if self.notes.items else ""
        return body + more

    def typo(self, text: str) -> str:
        text = self._prepare(text)
        if not text:
            return ""
        budget.charge(_PASSES_TYPO * len(text))
        text = echappe_html(text, self.escapes, trusted=self.trusted)
        text = self._after_echappe(text)
        if "<" in text:
            text = embeds.rewrite_iframes(text, self.embeds, self.escapes.hide)
        text = self._models(text, None)
        text = self._corriger(text, self.lang)
        if "<" in text:  # textwheel's post_typo: <http://…> shown with a link
            text = links.resources(text, self.link_ctx)
        return typography.echapper_faux_tags(text)

    def _tokens_pay(self, text: str) -> bool:
        """Whether tokens are worth their checks (linear passes over the text): at least
        one protected fragment per KB of text, or pre-cleaned fragments making a sixth
        of the HTML (measured break-even: about 15 %)."""
        if text.count(MARK) * 1024 > len(text):
            return True
        items = self.escapes.items
        size = sum(len(items[index]) for index in self.escapes.cleaned)
        size += sum(len(items[index]) for index in self.escapes.deferred)
        return size * 6 > len(text) + size

    def finish(self, text: str) -> str:
        escapes = self.escapes
        budget.charge(_PASSES_FINISH * len(text))
        if (
            (escapes.cleaned or escapes.deferred)
            and self._tokens_pay(text)
            and (escapes.cleaned_forms())
        ):
            # pre-cleaned fragments (note calls, documents, tables) cross the sanitiser as
            # tokens, when they spare nh3 enough to pay for the checks
            tokens = self.escapes.restore(text, tokens=True).strip()
            if "&" in tokens and not _only_common_entities(tokens):
                tokens = _BARE_AMP.sub("&amp;", tokens)
            done = clean_with_tokens(tokens, self.escapes.cleaned, self.hints) if tokens else None
            if done is not None:
                return done
        text = self.escapes.restore(text).strip()
        budget.charge(_PASSES_FINISH * len(text))
        if "&" in text and not _only_common_entities(text):
            text = _BARE_AMP.sub("&amp;", text)
        return clean(text, self.hints)


def _only_common_entities(text: str) -> bool:
    """Whether every '&' of ``text`` starts one of a few named entities (a text full of
    escaped '<' needs no search for a bare '&'); numeric ones are left to the search."""
    return "&#" not in text and text.count("&") == sum(
        text.count(entity) for entity in ("&lt;", "&gt;", "&amp;", "&nbsp;", "&quot;")
    )


def _escape_untrusted(text: str) -> str:
    """Escape raw HTML from untrusted authors, keeping SPIP's shortcut pseudo-tags."""
    out: list[str] = []
    pos = 0
    for m in _UNTRUSTED_ALLOWED.finditer(text):
        out.append(text[pos : m.start()].replace("<", "&lt;"))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;"))
    return "".join(out)


def render(
    text: str,
    *,
    lang: str = "fr",
    resolver=None,
    trusted: bool = True,
    embeds=None,
    work_limit: int | None = None,
) -> Rendered:
    """Convert SPIP markup to safe HTML, with the notes block apart.

    ``trusted=True`` (editors) sanitises raw HTML with the allow-list; ``trusted=False``
    (reader comments) escapes it.  Both never emit a ``javascript:``/``data:`` link.
    ``embeds`` (:class:`redac.typo.embeds.Embeds`): the providers whose ``<iframe>`` become
    click-to-load facades; without it every iframe is removed.

    The conversion may spend ``work_limit`` units of work (default
    :func:`redac.typo.budget.limit_for` the text's length). Past it, it fails closed: the
    text is returned escaped, without its notes, a warning is logged and
    :func:`redac.typo.budget.overruns` counts it (the page is then neither cached nor
    published).
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    meter, token = budget.start(work_limit or budget.limit_for(len(text)))
    try:
        renderer = _Renderer(lang, resolver, trusted, embeds)
        body = renderer.propre(text)
        notes = ""
        if renderer.notes.items:
            notes = renderer.notes.sanitised_block()
            if notes is None:
                notes = renderer.notes_block()
                notes = renderer.finish(notes) if notes else ""
        return Rendered(renderer.finish(body), notes)
    except budget.OverBudget:
        if token is None:
            raise  # a conversion inside another: the outer one fails closed
        budget.record_overrun(meter, len(text))
        return Rendered(escaped_text(text), "")
    finally:
        budget.stop(token)


def propre(
    text: str, *, lang: str = "fr", resolver=None, embeds=None, work_limit: int | None = None
) -> str:
    """Block-level conversion of SPIP markup (SPIP's ``propre()``), sanitised."""
    return render(text, lang=lang, resolver=resolver, embeds=embeds, work_limit=work_limit).html


def typo(
    text: str,
    *,
    lang: str = "fr",
    resolver=None,
    trusted: bool = True,
    embeds=None,
    work_limit: int | None = None,
) -> str:
    """Inline typography only (SPIP's ``typo()``): no paragraphs, lists or links.
    Over its work budget, the text escaped (see :func:`render`)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    meter, token = budget.start(work_limit or budget.limit_for(len(text)))
    try:
        renderer = _Renderer(lang, resolver, trusted, embeds)
        return renderer.finish(renderer.typo(text))
    except budget.OverBudget:
        if token is None:
            raise
        budget.record_overrun(meter, len(text))
        return html.escape(_CONTROL.sub("", text), quote=False)
    finally:
        budget.stop(token)


def escaped_text(text: str) -> str:
    """What a conversion over its budget shows: the text as typed, escaped, its lines kept
    (no markup is interpreted, so nothing in it can run or cost more)."""
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(
        "<p>" + html.escape(p.strip(), quote=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )
