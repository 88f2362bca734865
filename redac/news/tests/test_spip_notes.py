"""Notes written with SPIP's ``[[...]]`` are shown under their text, with working anchors both
ways, and two « Texte SPIP » blocks of one page never share an anchor."""

import re

import pytest
from django.utils import timezone

from redac.news.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


def _article(body):
    section = SectionPage.objects.get(slug="actualite")
    page = ArticlePage(slug="avec-notes", title="Un article annoté", body=body, date=timezone.now())
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_note_is_shown_under_its_text_with_links_both_ways(client, demo):
    page = _article([("spip", "La loi de 1905[[Loi du 9 décembre 1905.]] reste en vigueur.")])
    html = client.get(page.url).content.decode()
    assert "Loi du 9 décembre 1905." in html.split('class="notes spip-notes"')[1]
    assert 'href="#nb1"' in html and 'id="nb1"' in html
    assert 'href="#nh1"' in html and 'id="nh1"' in html


def test_two_blocks_with_notes_never_share_an_anchor(client, demo):
    page = _article([("spip", "Premier[[Note A]]."), ("spip", "Second[[Note B]].")])
    html = client.get(page.url).content.decode()
    assert "Note A" in html and "Note B" in html
    ids = re.findall(r'id="(n[bh][^"]*)"', html)
    assert len(ids) == 4 and len(set(ids)) == 4, ids
    for target in re.findall(r'href="#(n[bh][^"]*)"', html):
        assert target in ids


def test_the_notes_come_once_at_the_end_of_the_article_after_every_block(client, demo):
    page = _article([
        ("spip", "Premier[[Note A]]."),
        ("quote", {"text": "Une citation entre deux textes.", "source": ""}),
        ("spip", "Second[[Note B]]."),
    ])  # fmt: skip
    page.notes = "Une note saisie à part."
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert html.count('class="notes spip-notes"') == 1
    notes_at = html.index('class="notes spip-notes"')
    assert html.index("Une citation entre deux textes.") < notes_at
    assert html.index("Second") < notes_at
    notes = html[notes_at:]
    assert notes.index("Note A") < notes.index("Note B") < notes.index("Une note saisie à part.")
