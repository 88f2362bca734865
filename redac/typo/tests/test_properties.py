"""Property tests: any input converts, to well-formed HTML the sanitiser leaves as is."""

from __future__ import annotations

import html5lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redac.typo import plain, propre, render, typo
from redac.typo.sanitize import clean, is_safe_url
from tests.support.conformance import output_is_safe

#: Fragments of SPIP markup, so that random texts exercise the shortcuts, not just words.
PIECES = [
    "{",
    "}",
    "{{",
    "}}",
    "{{{",
    "}}}",
    "[",
    "]",
    "[[",
    "]]",
    "->",
    "<-",
    "[?",
    "|",
    "||",
    "\n",
    "\n\n",
    "\n-* ",
    "\n-# ",
    "\n-** ",
    "\n- ",
    "\n_ ",
    "\n----\n",
    "-- ",
    "~",
    "'",
    "<quote>",
    "</quote>",
    "<code>",
    "</code>",
    "<cadre>",
    "</cadre>",
    "<poesie>",
    "</poesie>",
    "<html>",
    "</html>",
    "<multi>",
    "[fr]",
    "[en]",
    "</multi>",
    "<doc1|left>",
    "<img1>",
    "<emb2|center>",
    "<article3>",
    "http://example.org/x",
    "www.example.org",
    "javascript:alert(1)",
    "java&#115;cript:",
    "data:text/html,x",
    "<script>",
    "</script>",
    '<a href="',
    '" onclick="x">',
    "</a>",
    "<b>",
    "</b>",
    "<div>",
    "</div>",
    "<p>",
    "&amp;",
    "&",
    "&#0;",
    "&nbsp;",
    "<",
    ">",
    '"',
    "«",
    "»",
    ":",
    ";",
    "!",
    "?",
    "%",
    "M. ",
    "n° ",
    "article3",
    "[->article3]",
    "[x->javascript:alert(1)]",
    "[[<>",
    "[[<a>",
    "| a | b |\n",
    "| {{A}} | {{B}} |\n",
    "\\{",
    "\\[",
    "\t",
    "\r\n",
    "\u00a0",
    "\u202f",
    "é",
    "😀",
    "\u200f",
    "\x00",
    "\ufdd0",
    "<?php ",
    "<%",
    "{{ 7*7 }}",
    "<svg onload=x>",
    "<math>",
    "</math>",
    "$",
    "$$",
    "\\frac{",
    "<inconnue>",
    "</inconnue>",
    "<x-y>",
    '<span style="',
    "color:red;",
    "background:url(x)",
    '">',
    "<base href=x>",
    "<image src=x onerror=y>",
    "<xmp>",
]

spip_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join),
)


def _well_formed(fragment: str) -> bool:
    parser = html5lib.HTMLParser(strict=False)
    parser.parseFragment(fragment)
    return True


class _Resolver:
    def link(self, kind, id):
        if id == 3:
            return ("/a/3?x=1&y=2", "Titre «trois»")
        if id == 4:
            return ("javascript:alert(1)", "piège")
        return None

    def document(self, id, *, align, kind):
        if id == 1:
            return f'<figure class="doc {align}"><img src="/d/1.png" onerror="x" alt=""></figure>'
        if id == 2:
            return "<script>alert(1)</script><iframe src='javascript:x'></iframe>"
        return None


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(spip_text, st.sampled_from(["fr", "en"]), st.booleans())
def test_render_never_raises_and_output_is_clean_and_safe(text, lang, trusted):
    result = render(text, lang=lang, resolver=_Resolver(), trusted=trusted)
    for out in (result.html, result.notes):
        assert isinstance(out, str)
        assert clean(out) == out  # the nh3 allow-list leaves the output unchanged
        assert _well_formed(out)
        assert output_is_safe(out)


@SETTINGS
@given(spip_text, st.sampled_from(["fr", "en"]))
def test_typo_never_raises_and_output_is_clean_and_safe(text, lang):
    out = typo(text, lang=lang, resolver=_Resolver())
    assert clean(out) == out
    assert output_is_safe(out)


@SETTINGS
@given(spip_text)
def test_propre_is_render_html(text):
    assert propre(text) == render(text).html


@SETTINGS
@given(spip_text)
def test_plain_never_raises_and_has_no_shortcut_braces(text):
    out = plain(text)
    assert isinstance(out, str)
    assert "{" not in out and "}" not in out


@SETTINGS
@given(st.text(max_size=60))
def test_no_href_with_forbidden_scheme(text):
    out = propre(f"[lien->{text}] [?{text}] {text}")
    tree = html5lib.parseFragment(out, treebuilder="etree", namespaceHTMLElements=False)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("href") is not None:
            assert is_safe_url(element.get("href"))
