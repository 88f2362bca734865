"""SPIP's petitions (the « pétitions » plugin) come over with their articles (issue 20): options,
text and the confirmed signatures; unconfirmed and trashed signatures are reported, never imported
(they carry no confirmed consent); a second run adds nothing."""

from __future__ import annotations

import sqlite3

import pytest

from redac.petitions.models import Petition, Signature
from redac.spipimport.models import ImportRecord
from tests.support.spip_sites import SiteSpec, build_sqlite

pytestmark = pytest.mark.django_db

PETITIONS = """CREATE TABLE spip_petitions (id_petition INTEGER PRIMARY KEY, id_article INTEGER,
    email_unique TEXT, site_obli TEXT, site_unique TEXT, message TEXT, texte TEXT, statut TEXT,
    maj TEXT)"""
SIGNATURES = """CREATE TABLE spip_signatures (id_signature INTEGER PRIMARY KEY, id_petition INTEGER,
    id_article INTEGER, date_time TEXT, nom_email TEXT, ad_email TEXT, nom_site TEXT,
    url_site TEXT, message TEXT, statut TEXT, maj TEXT)"""


@pytest.fixture
def site(tmp_path):
    img = tmp_path / "IMG"
    img.mkdir()
    path = build_sqlite(tmp_path / "spip.sqlite", SiteSpec(), img)
    db = sqlite3.connect(path)
    db.execute(PETITIONS)
    db.execute(SIGNATURES)
    db.execute("INSERT INTO spip_petitions VALUES (1, 2, 'oui', 'non', 'non', 'oui', "
               "'Pour un guichet dans chaque gare.', 'publie', '')")  # fmt: skip
    signatures = [
        (1, 1, 2, "2024-03-01 10:00:00", "Alice", "alice@example.org", "", "", "Bravo", "publie"),
        (2, 1, 2, "2024-03-02 11:00:00", "Bob", "bob@example.org", "", "", "", "publie"),
        (3, 1, 2, "2024-03-03 12:00:00", "Chloé", "chloe@example.org", "", "", "", "poubelle"),
        (4, 1, 2, "2024-03-04 13:00:00", "Dan", "dan@example.org", "", "", "", "5a1b2c3d"),
        (5, 1, 2, "2024-03-05 14:00:00", "Alice encore", "ALICE@example.org", "", "", "", "publie"),
    ]  # fmt: skip
    db.executemany("INSERT INTO spip_signatures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                   signatures)  # fmt: skip
    db.commit()
    db.close()
    return path


def test_petitions_and_their_confirmed_signatures_come_over_with_their_article(site, run_import):
    report = run_import(site)
    assert report["petitions"] == 1 and report["signatures"] == 2
    petition = Petition.objects.get(import_ref="spip:petition:1")
    article = ImportRecord.objects.get(ref="spip:article:2")
    assert petition.page_id == article.object_id
    assert petition.one_per_email and petition.message_allowed and not petition.website_required
    assert "guichet" in petition.text
    signed = Signature.objects.filter(petition=petition)
    assert sorted(signed.values_list("name", flat=True)) == ["Alice", "Bob"]
    assert set(signed.values_list("status", flat=True)) == {Signature.Status.CONFIRMED}
    assert all(s.imported and s.confirmed_at.year == 2024 for s in signed)
    warnings = " ".join(report["warnings"])
    for words in ("non confirmée", "poubelle", "en double"):
        assert words in warnings, warnings
    again = run_import(site)
    assert again["signatures"] == 0 and signed.count() == 2


def test_a_site_without_the_plugin_reports_no_petition(tmp_path, run_import):
    img = tmp_path / "IMG"
    img.mkdir()
    report = run_import(build_sqlite(tmp_path / "spip.sqlite", SiteSpec(), img))
    assert report["petitions"] == 0 and report["signatures"] == 0
    assert not Petition.objects.filter(import_ref__startswith="spip:").exists()
