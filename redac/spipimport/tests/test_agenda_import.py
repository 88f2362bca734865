"""The events of SPIP's « Agenda » plugin come over with their articles (issue 21): each filed in
its article's section, with its dates, place and keywords; drafts stay drafts, the bin and events
of articles not imported are left out (and reported); a repetition stays its own event; a second
run updates the same pages."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from redac.agenda.models import EventPage
from redac.spipimport.models import ImportRecord
from tests.support.spip_sites import SiteSpec, build_sqlite

pytestmark = pytest.mark.django_db

EVENEMENTS = """CREATE TABLE spip_evenements (id_evenement INTEGER PRIMARY KEY, id_article INTEGER,
    id_evenement_source INTEGER, date_debut TEXT, date_fin TEXT, titre TEXT, descriptif TEXT,
    lieu TEXT, adresse TEXT, horaire TEXT, statut TEXT, places INTEGER, maj TEXT)"""


@pytest.fixture
def site(tmp_path):
    img = tmp_path / "IMG"
    img.mkdir()
    path = build_sqlite(tmp_path / "spip.sqlite", SiteSpec(schema="spip4"), img)
    db = sqlite3.connect(path)
    db.execute(EVENEMENTS)
    rows = [
        (1, 2, 0, "2030-05-04 14:00:00", "2030-05-04 17:00:00", "Assemblée", "Ordre du jour",
         "Bourse du travail", "3 rue du Château-d'Eau", "oui", "publie", 0),
        (2, 2, 1, "2030-06-04 14:00:00", "2030-06-04 17:00:00", "Assemblée", "", "Bourse", "",
         "oui", "publie", 0),
        (3, 2, 0, "2030-07-01 00:00:00", "2030-07-02 00:00:00", "Fête", "", "", "", "non",
         "prop", 120),
        (4, 2, 0, "2030-08-01 10:00:00", "", "Jeté", "", "", "", "oui", "poubelle", 0),
        (5, 9999, 0, "2030-09-01 10:00:00", "", "Orphelin", "", "", "", "oui", "publie", 0),
    ]  # fmt: skip
    db.executemany(f"INSERT INTO spip_evenements VALUES ({', '.join('?' * 12)}, '')", rows)
    mot = db.execute("SELECT id_mot FROM spip_mots ORDER BY id_mot LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO spip_mots_liens (id_mot, id_objet, objet) VALUES (?, 1, 'evenement')",
               [mot])  # fmt: skip
    db.commit()
    db.close()
    return path, mot


def test_events_are_filed_under_their_article_s_section_with_their_dates(site, run_import):
    path, mot = site
    report = run_import(path)
    assert report["evenements"] == 3
    assert any("évènement(s) de l'agenda" in w for w in report["warnings"])
    events = {e.import_ref: e for e in EventPage.objects.filter(import_ref__startswith="spip:")}
    assert set(events) == {"spip:evenement:1", "spip:evenement:2", "spip:evenement:3"}
    article = ImportRecord.objects.get(ref="spip:article:2")
    from wagtail.models import Page

    section = Page.objects.get(pk=article.object_id).get_parent()
    assembly = events["spip:evenement:1"]
    assert assembly.get_parent().pk == section.pk and assembly.live
    assert (assembly.start_date, assembly.start_time) == (dt.date(2030, 5, 4), dt.time(14, 0))
    assert assembly.end_time == dt.time(17, 0) and assembly.place_name == "Bourse du travail"
    keyword = ImportRecord.objects.get(ref=f"spip:mot:{mot}").object_id
    assert [k.pk for k in assembly.keywords.all()] == [keyword]
    assert events["spip:evenement:2"].live  # the repetition: its own event
    party = events["spip:evenement:3"]
    assert not party.live and party.start_time is None and party.capacity == 120
    again = run_import(path)
    assert again["evenements"] == 3
    assert EventPage.objects.filter(import_ref__startswith="spip:").count() == 3


def test_old_event_addresses_answer_301_to_the_event_and_drafts_404(site, run_import, client):
    path, _mot = site
    run_import(path)
    assembly = EventPage.objects.get(import_ref="spip:evenement:1")
    for old in ("/spip.php?page=evenement&id_evenement=1", "/evenement1.html",
                "/spip.php?evenement1"):  # fmt: skip
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"].endswith(assembly.url), (old, response["Location"])
    # a draft, the bin, an event never imported: not found, never the home page
    for old in ("/spip.php?page=evenement&id_evenement=3", "/spip.php?page=evenement&id_evenement=4",
                "/evenement999.html"):  # fmt: skip
        assert client.get(old).status_code == 404, old
