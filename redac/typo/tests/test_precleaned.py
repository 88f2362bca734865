"""Pre-cleaned fragments: note calls cross nh3 as tokens, plain notes blocks are written
directly — with exactly the output of the full path (restore everything, then clean).

The full path is the reference: each test renders with and without the shortcuts.
"""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redac.typo import engine, render
from redac.typo.escapes import Escapes
from redac.typo.notes import Notes
from redac.typo.sanitize import clean

from .test_fixed_point import piece as tag_soup_piece
from .test_properties import PIECES, _Resolver


@contextmanager
def full_path():
    """Render without the shortcuts: every fragment restored, then cleaned."""
    with (
        mock.patch.object(engine, "clean_with_tokens", lambda fragment, forms, hints=None: None),
        mock.patch.object(Notes, "sanitised_block", lambda self: None),
    ):
        yield


def both_ways(text: str, **options) -> tuple[tuple[str, str], tuple[str, str]]:
    fast = render(text, **options)
    with full_path():
        full = render(text, **options)
    return (fast.html, fast.notes), (full.html, full.notes)


NOTES = [
    "[[note]]",
    "[[<x>nommée]]",
    "[[<a-b>x]]",
    "[[<>x]]",
    "[[l'année : {{gras}}]]",
    "[[n° 1 &amp; «x» &#8217; &#150; &#0;]]",
    "[[a [lien->http://example.org] b]]",
    "[[\n- a\n- b]]",
    "mot[[x]]",
]


class _DocumentResolver(_Resolver):
    """Documents of every shape: already in nh3's form (block, inline, a paragraph the
    engine takes for inline), or not (unclosed, unsafe)."""

    def document(self, id, *, align, kind):
        return {
            1: f'<figure class="doc {align}"><img src="/d/1.png" alt=""><figcaption>Carte'
            "</figcaption></figure>",
            2: '<span class="doc"><img src="/d/2.png" width="3" height="4" alt="x"></span>',
            3: '<p class="doc"><a href="/f.pdf">Fichier</a> (PDF)</p>',
            4: '<a href="/f.pdf"><img src="/i.png" alt=""></a>',
            5: "<figure><p>unclosed",
            6: '<div class="d"><b>gras</b><ul><li>x</li></ul></div>',
            7: "<img src=/x.png onerror=alert(1)>",
        }.get(id)


DOCUMENTS = ["<doc1>", "<doc2>", "<doc3>", "<doc4>", "<doc5>", "<doc6>", "<img7>", "<doc1|left>"]
DOCUMENTS += ["[<doc4>->http://example.org]", "[x <doc2> ->http://example.org]"]
text_with_notes = st.lists(
    st.one_of(
        st.sampled_from(NOTES),
        st.sampled_from(DOCUMENTS),
        tag_soup_piece,
        st.sampled_from(PIECES),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_with_notes, st.booleans())
@pytest.mark.slow  # hypothesis, hundreds of examples
def test_shortcuts_give_the_output_of_the_full_path(text, trusted):
    fast, full = both_ways(text, resolver=_DocumentResolver(), trusted=trusted)
    assert fast == full


@pytest.mark.parametrize(
    "text",
    [
        "[texte [[note]] ->http://example.org]",  # a call in a link: <a> in <a>
        "<a href='x'>[[note]]</a>",
        "<table>[[<x>n]]\n- <style>\n- ",  # text moved out of a table, blank part left
        "</a>[[<x>n]]<table>\r[[a]]b[[c]]<button><tbody>\n\n [lien->http://x.org]</pre>",
        '<font> </svg></select><table>[[note]] <doc1>">{{<ul><li>',
        "<table><tr><td>a</td>[[note]]</tr></table>",
        "<select>[[note]]</select>",  # inline tags ignored there
        "<textarea>[[note]]</textarea>",  # read as text
        "<title>[[note]]</title>",
        '<span title="[[note]]">x</span>',  # in an attribute
        "<!-- [[note]] -->",
        "<svg>[[note]]</svg>",
        "| a [[note]] | b |\n| c | d |",  # in a table cell: fine
        "{{{titre[[note]]}}}",
        "<quote>cité[[note]]</quote>",
        "_ <doc3><math>",  # a paragraph the engine leaves in a paragraph
        "<b><div><doc5><doc1|right></h2>",  # a document after an unclosed one
        "<b>x</p><doc1>",  # a formatting element to reopen in the document
        "<ul><li><doc1></li></ul> <quote><doc1></quote> |<doc1>|x|",
        "[<doc4>->http://example.org] <a href='x'><doc2></a>",
        "<title>\n|a|b|\n</title>",  # a table read as text shows its own quotes
        "<a href='x'>\n\n|a|b|\n\n</a>",
        "<h2>\n|a|b|\n</h2>",
    ],
)
def test_calls_in_odd_places_give_the_output_of_the_full_path(text):
    for repeated in (text, text * 3):
        fast, full = both_ways(repeated, resolver=_DocumentResolver())
        assert fast == full


@contextmanager
def checking_cleaned_forms():
    """Check that each fragment's cleaned form is what the sanitiser makes of it."""
    hide = Escapes.hide

    def checking_hide(self, fragment, **options):
        if options.get("cleaned") is not None:
            assert clean(fragment) == options["cleaned"]
        if options.get("deferred") is not None:
            computed = options["deferred"]()
            if computed is not None:
                assert clean(fragment) == computed[0]
        return hide(self, fragment, **options)

    with mock.patch.object(Escapes, "hide", checking_hide):
        yield


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40), st.sampled_from(["", "<x>", "<ab1>"]))
def test_cleaned_forms_of_note_calls_are_what_nh3_makes_of_them(body, name):
    with checking_cleaned_forms():
        render(f"mot[[{name}{body}]] et [[{body}]]")


CELLS = ["a", "12", "3,5", " x y ", "", "{{T}}", "<", "^", "é'", '"q"', "&amp;", "&#8217;"]
CELLS += ["&#150;", "a\nb", "a\n\nb", "\n- li", "[l->http://x.org]", "[[n]]", "M. X", "50 %"]
CELLS += ["\u00a0", "&lt;", "x&y", "<doc1>", "\t", "-5", "_x_", "x\n_y"]
tables_text = st.builds(
    lambda caption, rows: caption + "\n".join("|" + "|".join(row) + "|" for row in rows),
    st.sampled_from(["", "||légende||\n", "||légende|résumé||\n"]),
    st.lists(
        st.lists(st.one_of(st.sampled_from(CELLS), st.text(max_size=6)), min_size=2, max_size=2),
        min_size=1,
        max_size=5,
    ),
)
around = st.sampled_from(["", "texte ", "[l->http://y.org] ", "<a href='x'>", "</a>", "\n\n"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(around, tables_text, around, st.sampled_from(["fr", "en"]))
@pytest.mark.slow  # hypothesis, hundreds of examples
def test_tables_give_the_output_of_the_full_path(before, table, after, lang):
    text = f"{before}\n{table}\n{after}"
    with checking_cleaned_forms():
        fast, full = both_ways(text, lang=lang, resolver=_DocumentResolver())
    assert fast == full


def test_a_long_table_takes_the_shortcuts():
    text = "".join(f"| ligne {i} | {i * 7} |\n" for i in range(500))
    with mock.patch.object(engine, "clean", side_effect=AssertionError("full path")):
        result = render(text)
    assert result.html.count("<tr") == 500
    fast, full = both_ways(text)
    assert fast == full


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=30), min_size=1, max_size=4), st.sampled_from(["fr", "en"]))
def test_plain_notes_block_is_the_full_paths(bodies, lang):
    text = " ".join(f"mot[[{body}]]" for body in bodies)
    fast, full = both_ways(text, lang=lang)
    assert fast == full


def test_many_notes_take_the_shortcuts():
    text = " ".join(f"mot[[note {i}, l'année : «x»]]" for i in range(300))
    with mock.patch.object(engine, "clean", side_effect=AssertionError("full path")):
        result = render(text)
    assert result.html.count('class="spip_note_ref"') == 300
    assert result.notes.count('<div id="nb') == 300
    fast, full = both_ways(text)
    assert fast == full


def test_repeated_documents_take_the_shortcut():
    text = "<doc1> <doc2> " * 100
    with mock.patch.object(engine, "clean", side_effect=AssertionError("full path")):
        result = render(text, resolver=_DocumentResolver())
    assert result.html.count("<figure") == 100
    fast, full = both_ways(text, resolver=_DocumentResolver())
    assert fast == full


class _ForgingResolver(_DocumentResolver):
    """Titles and documents holding what looks like the engine's tokens (an author's text is
    stripped of those noncharacters, a resolver's data is not)."""

    def link(self, kind, id):
        return ("/a/", "titre \ufddb0\ufddc \ufddb1\ufddc")

    def document(self, id, *, align, kind):
        if id == 9:  # document 0, then the note call is fragment 1
            return "<span>\ufddb1\ufddc</span>"
        return super().document(id, align=align, kind=kind)


@pytest.mark.parametrize(
    "text", ["<doc9> [[note]]", "<doc9> [[note]] <doc9>", "[->article3] [[note]]", "<doc9>"]
)
def test_tokens_from_a_resolver_are_not_read_as_fragments(text):
    fast, full = both_ways(text, resolver=_ForgingResolver())
    assert fast == full
