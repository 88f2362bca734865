"""Events of SPIP's « Agenda » plugin: rows read as plain data, then filed as event pages in
their article's section, repetitions kept as separate events, drafts and the bin respected."""

from __future__ import annotations

import datetime as dt

import pytest

from redac.agenda import spip
from redac.agenda.models import EventPage

ROWS = [
    {"id_evenement": 3, "id_article": 12, "titre": "Assemblée de quartier",
     "date_debut": "2026-12-12 14:00:00", "date_fin": "2026-12-12 17:00:00", "horaire": "oui",
     "lieu": "Salle Pablo-Neruda", "adresse": "3 rue Jean-Jaurès", "statut": "publie",
     "descriptif": "Ordre du jour : le local.", "places": "40", "id_evenement_source": 0},
    {"id_evenement": 4, "id_article": 12, "titre": "Assemblée de quartier",
     "date_debut": "2027-01-09 14:00:00", "date_fin": "2027-01-09 17:00:00", "horaire": "oui",
     "statut": "publie", "id_evenement_source": 3},
    {"id_evenement": 5, "id_article": 12, "titre": "Fête", "date_debut": "2027-06-20 00:00:00",
     "date_fin": "2027-06-21 00:00:00", "horaire": "non", "statut": "prop"},
    {"id_evenement": 6, "id_article": 12, "titre": "Jeté", "date_debut": "2027-06-20 10:00:00",
     "statut": "poubelle"},
    {"id_evenement": 7, "id_article": 12, "titre": "Sans date", "date_debut": "0000-00-00 00:00:00"},
]  # fmt: skip


def test_rows_become_plain_events_with_whole_days_and_repetitions():
    events = {e.id: e for e in spip.read_events(ROWS, {3: [8, 9]})}
    assert sorted(events) == [3, 4, 5]  # the bin and the undated row are left out
    assert events[3].keyword_ids == (8, 9) and events[3].capacity == 40
    assert events[4].source_id == 3
    assert events[5].all_day and not events[5].published
    fields = spip.page_fields(events[5])
    assert fields["start_time"] is None and fields["end_date"] == dt.date(2027, 6, 21)
    assert spip.page_fields(events[3])["body"] == [("spip", "[->art12]")]


@pytest.mark.django_db
def test_events_are_filed_in_their_articles_section_and_imported_once(demo):
    from redac.news.models import ArticlePage, Keyword

    article = ArticlePage.objects.filter(live=True).first()
    section = article.get_parent().specific
    keyword = Keyword.objects.first()
    events = spip.read_events(ROWS, {3: [1]})

    def run():
        return spip.import_events(events, parent_for_article=lambda ident: section,
                                  keyword_for=lambda ident: keyword)  # fmt: skip

    pages = run()
    assert set(pages) == {3, 4, 5}
    first = pages[3]
    assert first.get_parent().pk == section.pk and first.live
    assert first.when() == "samedi 12 décembre 2026 de 14 h à 17 h"
    assert list(first.keywords.all()) == [keyword]
    assert pages[4].live and pages[4].pk != first.pk  # a repetition stays its own event
    assert not pages[5].live
    run()
    assert EventPage.objects.filter(import_ref__startswith="spip:evenement:").count() == 3
