"""The sanitiser's one-pass shortcut: nh3 output proved stable is not cleaned twice.

``clean()`` runs nh3 once and, when :func:`reparses_identically` proves that the HTML parser
would build the same tree from the output, stops there; otherwise it cleans again until
the output stops changing.  The proof must never be wrong: a wrong ``True`` would let a
non-fixed-point output through.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redac.typo import propre
from redac.typo.sanitize import (
    _CLEANER,
    MAX_OPEN_FORMATTING,
    clean,
    limit_open_formatting,
    reparses_identically,
)

# tags the parser moves or closes (allowed or not), phrasing, table parts, odd text
TAGS = [
    "p", "div", "h2", "h3", "li", "ul", "dl", "dd", "dt", "a", "i", "b", "span", "strong",
    "table", "tbody", "thead", "tr", "td", "th", "caption", "colgroup", "col", "pre",
    "textarea", "blockquote", "ruby", "rt", "br", "img", "hr", "button", "fieldset", "menu",
    "select", "option", "marquee", "object", "form", "foo", "section", "figure",
]  # fmt: skip
TEXTS = ["x", " ", "\n", "\n\n", "&#13;", "\r", "<", ">", "&", "&nbsp;", "\t"]
ATTRIBUTES = ["", " class='c'", ' href="#x"', ' title="a<b>"', ' style="color:red"']

piece = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES)),
    st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
    st.sampled_from(TEXTS),
)
tag_soup = st.lists(piece, max_size=40).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag_soup)
@pytest.mark.slow  # hypothesis, hundreds of examples
def test_output_proved_stable_is_a_fixed_point(soup):
    once = _CLEANER.clean(soup)
    if reparses_identically(once):
        assert _CLEANER.clean(once) == once


@pytest.mark.parametrize(
    "soup",
    [
        "<h2><i>0<h2></i>",  # hypothesis' find: a heading left open in another
        "<p><button><div>x</div></button></p>",  # a block in <p> once <button> is gone
        "<li>a<ul><li>b</li></ul><fieldset><li>c</li></fieldset></li>",  # <li> in <li>
        "<dl><dd>x<menu><dt>y</dt></menu></dd></dl>",
        "<pre>\n\nx</pre>",  # the parser drops one leading newline per pass
        "<p>&#13;x</p>",  # a carriage return becomes a newline when read again
        "<p>x<marquee><table><tr><td>y</td></tr></table></marquee></p>",
    ],
)
def test_misnested_output_is_cleaned_again(soup):
    once = _CLEANER.clean(soup)
    assert _CLEANER.clean(once) != once
    assert not reparses_identically(once)
    assert clean(clean(soup)) == clean(soup)


def test_ordinary_article_is_cleaned_once():
    html = propre(
        "{{{Titre}}}\n\nUn {paragraphe} avec [un lien->https://example.org] et une note[[Note]].\n\n"
        "-* un\n-* deux\n\n| {{A}} | {{B}} |\n| 1 | 2 |\n\n<quote>Cité</quote>"
    )
    assert reparses_identically(html)


@pytest.mark.parametrize("newlines", range(0, 8))
def test_a_pre_opening_with_blank_lines_is_a_fixed_point(newlines):
    once = clean("<pre>" + "\n" * newlines + "abc</pre>")
    assert clean(once) == once
    assert "abc" in once


def test_formatting_left_open_is_bounded_and_the_text_kept():
    opened = "".join(f"<b>mot {i}\n\n" for i in range(MAX_OPEN_FORMATTING + 40))
    bounded = limit_open_formatting(opened + "</b>" * 20)
    assert bounded.count("<b>") == MAX_OPEN_FORMATTING
    assert bounded.count("</b>") == 0  # they closed the innermost ones: dropped with them
    assert all(f"mot {i}\n" in bounded for i in range(MAX_OPEN_FORMATTING + 40))
    assert clean(opened) == clean(clean(opened))
    # no more than the bound left open: untouched
    assert limit_open_formatting(opened + "</b>" * 40) == opened + "</b>" * 40


def test_formatting_that_is_closed_is_never_touched():
    balanced = "<p><b>x</b> <i>y</i> <a href='/z'>z</a></p>\n" * (MAX_OPEN_FORMATTING * 3)
    assert limit_open_formatting(balanced) is balanced
