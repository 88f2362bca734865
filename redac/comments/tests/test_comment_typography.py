"""Reader comments get the typography of the page's language, and nothing else: the typography
pass runs on escaped text, so no SPIP shortcut, tag or entity a reader types becomes markup."""

from __future__ import annotations

import time

import html5lib
from hypothesis import given, settings
from hypothesis import strategies as st

from redac.core.lib.usertext import linkify

TRICKY = ["<", ">", "&", "&lt;", "&#60;", "&nbsp;", "'", '"', "!", "?", ":", ";", "«", "»",
          "{{", "}}", "[->", "]", "[[", "]]", "<script>", "<quote>", "<math>$x$</math>", "~",
          "--", "http://", "https://x.example/a?b=1&c=2", "javascript:alert(1)", "M. ", "\n",
          "\n\n", "n° ", " %", "<iframe src=https://www.youtube.com/embed/x>"]  # fmt: skip
comment_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=6)), max_size=40).map(
    "".join
)


def elements(fragment: str) -> list:
    tree = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in tree.iter() if isinstance(el.tag, str)][1:]


def visible_text(fragment: str) -> str:
    tree = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return "".join(tree.itertext())


@settings(max_examples=400, deadline=None)
@given(comment_text, st.sampled_from(["fr", "en"]))
def test_a_comment_never_becomes_markup_and_keeps_every_word(text, lang):
    out = linkify(text, typography=lang)
    for element in elements(out):
        assert element.tag in ("p", "br", "a"), out
        if element.tag == "a":
            assert element.get("href").startswith(("http://", "https://"))
            assert set(element.attrib) == {"href", "rel"}

    # what the reader sees is what was typed, but for spaces and the typography's characters
    assert [c for c in visible_text(out) if c.isalnum()] == [c for c in text if c.isalnum()]


def test_french_comments_get_french_spaces_and_quotes():
    out = linkify(
        "Quel résumé ! « Bravo », c'est ça : voir https://x.example/a?b=1 ;", typography="fr"
    )
    assert "Quel résumé&nbsp;! &#171;&nbsp;Bravo&nbsp;&#187;, c&#8217;est ça&nbsp;: voir" in out
    assert '<a href="https://x.example/a?b=1" rel="nofollow ugc noopener">' in out  # URL untouched


def test_english_comments_get_english_typography():
    out = linkify("It's fine! See: this", typography="en")
    assert out == "<p>It&#8217;s fine! See: this</p>"


def test_spip_shortcuts_in_a_comment_stay_as_typed():
    out = linkify("{{gras}} [lien->javascript:alert(1)] [[note]] <math>$x$</math>", typography="fr")
    assert "<strong>" not in out and "<a" not in out and "<math" not in out
    assert "{{gras}}" in visible_text(out) and "[[note]]" in visible_text(out)


def test_the_longest_comment_is_typeset_quickly_whatever_it_holds():
    """Comments are at most 5,000 characters; the typography pass on them stays well under a
    tenth of a second even on adversarial input (generous bound, not a benchmark)."""
    for text in ["http~://" * 625, "a!" * 2500, "M. " * 1666, "« " * 2500, ";" * 5000, "&" * 5000]:
        start = time.perf_counter()
        linkify(text, typography="fr")
        assert time.perf_counter() - start < 1.0
