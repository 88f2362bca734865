"""What a reader sees of an HTML fragment, as plain text or as HTML: the one definition of
hidden content for everything that is derived from a page (descriptions, OpenGraph and Twitter
cards, JSON-LD, feeds, search index and snippets).

A page shows the sanitised tree of its SPIP text; a browser does not show comments,
``<script>``/``<style>``/``<template>`` contents, nor an element with the ``hidden`` attribute
or an inline ``display: none`` / ``visibility: hidden`` style. Whatever is derived from the
page must leave out exactly those (issue 15, « hidden_text_extracted »): text an editor hid in
the page (a draft paragraph, a note to colleagues) must not surface in a search result or a
feed reader. Extracting from the same rendered tree, rather than from the SPIP source with its
own rules, is what keeps the two in step.

Linear: one pass of the standard library's HTML tokenizer, a stack of open elements.
Pure Python (no Django), like the rest of ``redac.typo``.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

#: Elements whose content a browser never shows as text.
NEVER_SHOWN = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe",
                         "object", "svg:script"})  # fmt: skip
#: Elements that have no end tag (HTML's void elements).
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})  # fmt: skip
#: Elements after which text goes on a new line in the plain text.
BLOCKS = frozenset({"address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
                    "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
                    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
                    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})  # fmt: skip
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
                           r"|content-visibility\s*:\s*hidden", re.I)  # fmt: skip
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


def is_hidden(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Whether a browser shows nothing of this element (nor of what it contains)."""
    if tag in NEVER_SHOWN:
        return True
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "style" and value and _HIDING_STYLE.search(value):
            return True
        if name == "type" and tag == "input" and (value or "").lower() == "hidden":
            return True
    return False


class _Visible(HTMLParser):
    """Walks a fragment and hands what is shown to ``text`` (and, for HTML, ``markup``)."""

    def __init__(self, *, keep_markup: bool):
        super().__init__(convert_charrefs=True)
        self.keep_markup = keep_markup
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden) of each open element
        self.hidden = 0  # how many open elements hide their content

    def handle_starttag(self, tag, attrs):
        hides = is_hidden(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, hides))
            self.hidden += hides
        if self.hidden or hides:
            return
        if self.keep_markup:
            self.out.append(self.get_starttag_text() or "")
        elif tag in BLOCKS:
            self.out.append("\n")

    def handle_startendtag(self, tag, attrs):
        if not (self.hidden or is_hidden(tag, attrs)):
            if self.keep_markup:
                self.out.append(self.get_starttag_text() or "")
            elif tag in BLOCKS:
                self.out.append("\n")

    def handle_endtag(self, tag):
        if not any(open_tag == tag for open_tag, _hides in self.stack):
            return  # a stray end tag closes nothing
        was_hidden = self.hidden
        while self.stack:
            open_tag, hides = self.stack.pop()
            self.hidden -= hides
            if open_tag == tag:
                break
        if was_hidden:
            return
        if self.keep_markup:
            self.out.append(f"</{tag}>")
        elif tag in BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(escape(data, quote=False) if self.keep_markup else data)

    # comments, <!doctype>, <?pi>, <![CDATA[…]]> are never shown
    def handle_comment(self, data):
        pass

    def unknown_decl(self, data):
        pass


def visible_text(fragment: str) -> str:
    """The text a browser shows of ``fragment`` (sanitised HTML, as the page has it): entities
    decoded, block elements on their own lines, runs of spaces folded, no empty line."""
    parser = _Visible(keep_markup=False)
    parser.feed(fragment or "")
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.out).splitlines())
    return "\n".join(line for line in lines if line)


def without_hidden(fragment: str) -> str:
    """``fragment`` without what a browser would not show (comments, hidden elements, scripts
    and styles): for copies of the page's HTML that are read elsewhere (a feed reader does not
    know the ``hidden`` attribute once a stricter allow-list has removed it)."""
    parser = _Visible(keep_markup=True)
    parser.feed(fragment or "")
    parser.close()
    return "".join(parser.out)
