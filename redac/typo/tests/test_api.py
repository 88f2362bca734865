"""Behaviour of the public API on each SPIP shortcut (expected outputs from SPIP 4.3)."""

from __future__ import annotations

import pytest

from redac.typo import Rendered, Resolver, couper, plain, propre, render, typo


def test_exports_and_protocol(dict_resolver):
    assert isinstance(dict_resolver, Resolver)
    result = render("x")
    assert isinstance(result, Rendered)
    assert result.html == propre("x") == "<p>x</p>"
    assert result.notes == ""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Une ligne\nune autre", '<p>Une ligne<br class="autobr">\nune autre</p>'),
        ("a\n\nb", "<p>a</p>\n<p>b</p>"),
        ("Ligne\n_ suite", '<p>Ligne<br class="manualbr">suite</p>'),
        ("{italique} et {{gras}}", "<p><i>italique</i> et <strong>gras</strong></p>"),
        ("{{{Intertitre}}}", '<h2 class="spip">Intertitre</h2>'),
        ("----", '<hr class="spip">'),
        ("- puce", '<p><span class="spip-puce ltr"><b>–</b></span>&nbsp;puce</p>'),
        ("{}vide{{}}", "<p>{}vide{{}}</p>"),
        ("", ""),
        ("0", "<p>0</p>"),
    ],
)
def test_basic_blocks(source, expected):
    assert propre(source) == expected


def test_lists_nested_and_ordered():
    out = propre("-* un\n-** deux\n-* trois")
    assert out == (
        '<ul class="spip" role="list"><li> un\n<ul class="spip" role="list">'
        "<li> deux</li></ul></li><li> trois</li></ul>"
    )
    # a change of marker at the same depth closes the list and opens the other kind
    assert propre("-* un\n-# deux") == (
        '<ul class="spip" role="list"><li> un</li></ul>'
        '<ol class="spip" role="list"><li> deux</li></ol>'
    )


def test_table_with_header_caption_and_merge():
    out = propre("||Titre|Résumé||\n| {{A}} | {{B}} |\n| 1 | < |\n| x | y |")
    assert "<caption>Titre<br>" in out
    assert 'aria-describedby="dby' in out
    assert "<thead>" in out and "<th " in out
    assert 'colspan="2"' in out


def test_links_external_internal_mail_anchor(dict_resolver):
    out = propre(
        "[site->https://example.org] [->article3] [->rub2] [x->article9] "
        "[->a@b.org] [ici<-] [retour->#ici]",
        resolver=dict_resolver,
    )
    assert '<a href="https://example.org" class="spip_out" rel="external">site</a>' in out
    assert '<a href="/actualite/sanctions/" class="spip_in">L’Union européenne' in out
    assert '<a href="/international/" class="spip_in">International</a>' in out
    assert '<a href="spip.php?article9">x</a>' in out  # missing object, as SPIP
    assert '<a href="mailto:a@b.org" class="spip_mail">a@b.org</a>' in out
    assert '<a id="ici"></a>' in out
    assert '<a href="#ici" class="spip_ancre">retour</a>' in out


def test_link_title_and_language():
    out = propre("[texte|Une bulle{en}->https://example.org]")
    assert 'title="Une bulle"' in out and 'hreflang="en"' in out


def test_glossary_uses_the_page_language():
    assert 'href="https://fr.wikipedia.org/wiki/Victor_Hugo"' in propre("[?Victor Hugo]")
    assert 'href="https://en.wikipedia.org/wiki/Paris"' in propre("[?Paris]", lang="en")


def test_autolink():
    out = propre("voir http://example.org/page.")
    assert (
        '<a href="http://example.org/page" class="spip_url spip_out auto" '
        'rel="nofollow external">http://example.org/page</a>.'
    ) in out


def test_notes_numbered_named_and_unnumbered():
    result = render("a[[un]] b[[<x>deux]] c[[<>trois]]")
    assert 'href="#nb1"' in result.html and 'href="#nbx"' in result.html
    assert result.html.count("spip_note_ref") == 2  # [[<>…]] has no call
    assert '<div id="nb1">' in result.notes and '<div id="nbx">' in result.notes
    assert '<div id="nb">' in result.notes and "trois" in result.notes


def test_quote_code_cadre_poesie():
    assert propre("<quote>cité</quote>") == (
        '<blockquote class="spip">\n<p>cité</p>\n</blockquote>'
    )
    assert "spip_code_inline" in propre("<code>{x}</code>")
    assert "{x}" in propre("<code>{x}</code>")
    assert "<textarea" in propre("<cadre>a\nb</cadre>")
    assert propre("<poesie>a\nb</poesie>") == (
        '<blockquote class="spip_poesie"><div>a</div>\n<div>b</div>\n</blockquote>'
    )


def test_html_block_is_trusted_only():
    assert propre("<html><b>{x}</b></html>") == "<p><b>{x}</b></p>"
    assert "&lt;b&gt;" in render("<html><b>x</b></html>", trusted=False).html


def test_multi_picks_language():
    assert propre("<multi>[fr]Bonjour[en]Hello</multi>") == "<p>Bonjour</p>"
    assert propre("<multi>[fr]Bonjour[en]Hello</multi>", lang="en") == "<p>Hello</p>"


def test_document_models(dict_resolver):
    out = propre("Avant\n\n<doc1|left>\n\nAprès", resolver=dict_resolver)
    assert '<figure class="spip_document_1 spip_documents_left">' in out
    assert propre("<doc9>", resolver=dict_resolver) == ""  # missing: removed, as SPIP
    assert "&lt;article3&gt;" in propre("<article3>")


def test_french_typography():
    assert typo("Bonjour ! Ça va ? Oui : très ; 12 % « ok »") == (
        "Bonjour&nbsp;! Ça va&nbsp;? Oui&nbsp;: très&nbsp;; 12&nbsp;% «&nbsp;ok&nbsp;»"
    )
    assert typo("l'été") == "l’été"
    assert typo("M. Dupont, n° 5, a~b") == "M.&nbsp;Dupont, n°&nbsp;5, a&nbsp;b"
    assert (
        typo("à 14:30 sur https://example.org:8080/x") == "à 14:30 sur https://example.org:8080/x"
    )
    assert (
        typo('<a href="/a:b" title="x ; y">c</a> !') == '<a href="/a:b" title="x ; y">c</a>&nbsp;!'
    )


def test_english_typography():
    assert typo("Hello! It's 2:30; fine?", lang="en") == "Hello! It’s 2:30; fine?"
    assert typo("a -- b", lang="en") == "a — b"


def test_plain_and_couper():
    assert plain("Un {{gras}} et [lien->http://x.org][[note]]") == "Un gras et lien"
    assert couper("un deux trois quatre cinq six sept huit neuf dix", 30) == (
        "un deux trois quatre cinq&nbsp;(&#8230;)"
    )
