"""What SPIP readers wrote and did continues in redac: forum messages become comments with their
statuses, the visit counters go on from SPIP's numbers, links to the old site become internal."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from redac.comments.models import Comment
from redac.news.models import ArticlePage
from redac.spipimport.models import ImportRecord
from redac.visits import services as visits
from redac.visits.models import DailyPageVisits, DailySiteVisits, PageStats
from tests.support.spip_sites import SiteSpec, build_sqlite

pytestmark = pytest.mark.django_db

FORUM_COLUMNS = ("id_forum, id_objet, objet, id_parent, id_thread, date_heure, titre, texte, auteur, "
                 "email_auteur, nom_site, url_site, statut, ip")  # fmt: skip


@pytest.fixture
def site(tmp_path):
    """The fixture site, plus forum messages of every SPIP status and texts linking to the old
    site's addresses."""
    img = tmp_path / "IMG"
    img.mkdir()
    path = build_sqlite(tmp_path / "spip.sqlite", SiteSpec(), img)
    recent = (dt.datetime.now() - dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    old = "2024-03-01 10:00:00"
    rows = [
        (4, 2, "article", 0, 4, old, "", "En attente", "Alice", "alice@example.org", "", "",
         "prop", "192.0.2.4"),
        (5, 2, "article", 0, 5, old, "", "Achetez", "Spammeur", "x", "", "", "spam", ""),
        (6, 2, "article", 0, 6, old, "", "Entre nous", "Admin", "", "", "", "privrac", ""),
        (7, 2, "article", 0, 7, old, "", "Supprimé", "Bob", "", "", "", "off", ""),
        (8, 2, "article", 1, 1, recent, "", "Récent [voir->https://example.org/x] {{gras}}",
         "Chloé\nBcc: x", "chloe@example.org", "", "", "publie", "198.51.100.8"),
    ]  # fmt: skip
    db = sqlite3.connect(path)
    db.executemany(f"INSERT INTO spip_forum ({FORUM_COLUMNS}) VALUES ({', '.join('?' * 14)})", rows)
    db.execute(
        "UPDATE spip_articles SET texte = ? WHERE id_article = 3",
        ["Voir [l'article->http://old.example/spip.php?article2], "
         "[le même->https://www.old.example/article2.html#suite], "
         "[la rubrique->http://old.example/-actualite-], "
         "[la carte->http://old.example/IMG/png/carte-kouriles.png], "
         "<a href=\"http://old.example/spip.php?breve1\">la brève</a> et "
         "[ailleurs->http://other.example/spip.php?article2]."],
    )  # fmt: skip
    db.commit()
    db.close()
    return path, img


def test_forum_statuses_become_comment_states_and_pending_is_never_public(site, run_import,
                                                                           client):  # fmt: skip
    report = run_import(site[0], "--img", site[1])
    assert report["forums"] == 7  # 8 messages, one in a private (back-office) forum
    assert any("forums privés" in w for w in report["warnings"])
    states = dict(Comment.objects.values_list("import_ref", "status"))
    assert states == {
        "spip:forum:1": "published", "spip:forum:2": "published", "spip:forum:3": "published",
        "spip:forum:4": "pending", "spip:forum:5": "spam", "spip:forum:7": "rejected",
        "spip:forum:8": "published",
    }  # fmt: skip
    article = ArticlePage.objects.get(import_ref="spip:article:2")
    html = client.get(article.url).content.decode()
    assert "3 commentaires" in html  # 1, its reply 2, and 8 (a reply to 1)
    for hidden in ("En attente", "Achetez", "Entre nous", "Supprimé"):
        assert hidden not in html
    recent = Comment.objects.get(import_ref="spip:forum:8")
    assert recent.parent == Comment.objects.get(import_ref="spip:forum:1")
    # cleaned like a reader's comment: one-line name, SPIP markup gone, link address kept
    assert recent.author_name == "Chloé Bcc: x"
    assert recent.body == "Récent voir (https://example.org/x) gras"
    assert 'href="https://example.org/x"' in html
    # the IP is kept for the legal year only
    assert str(recent.ip_address) == "198.51.100.8"
    assert Comment.objects.get(import_ref="spip:forum:4").ip_address is None
    assert Comment.objects.get(import_ref="spip:forum:5").author_email == ""  # invalid address


def test_a_rerun_changes_no_comment_and_an_edited_message_is_updated(site, run_import):
    run_import(site[0], "--img", site[1])
    before = dict(Comment.objects.values_list("import_ref", "pk"))
    again = run_import(site[0], "--img", site[1])
    assert again["forums"] == 0
    assert dict(Comment.objects.values_list("import_ref", "pk")) == before
    db = sqlite3.connect(site[0])
    db.execute("UPDATE spip_forum SET statut = 'publie' WHERE id_forum = 4")
    db.commit()
    db.close()
    third = run_import(site[0], "--img", site[1])
    assert third["forums"] == 1
    assert Comment.objects.get(import_ref="spip:forum:4").status == "published"
    assert dict(Comment.objects.values_list("import_ref", "pk")) == before


def test_visit_totals_continue_and_a_rerun_does_not_double_them(site, run_import, client):
    run_import(site[0], "--img", site[1])
    article = ArticlePage.objects.get(import_ref="spip:article:2")
    assert client.get(f"/api/visits/{article.pk}/").json() == {"visits": 20}
    db = sqlite3.connect(site[0])
    db.execute("UPDATE spip_visites_articles SET visites = visites + 1")
    db.commit()
    db.close()
    run_import(site[0], "--img", site[1])  # the visits changed: imported again, set not added
    run_import(site[0], "--img", site[1])
    assert client.get(f"/api/visits/{article.pk}/").json() == {"visits": 20}
    assert PageStats.objects.get(page_id=article.pk).total == 20
    series = dict(DailyPageVisits.objects.filter(page_id=article.pk).values_list("day", "visits"))
    assert series == {dt.date(2024, 1, 1) + dt.timedelta(days=d): 11 + d for d in range(5)}
    assert DailySiteVisits.objects.count() == 5
    # the statistics dashboard reads them
    since = dt.date(2024, 1, 1)
    assert visits.top_referrers(since, page_id=article.pk) == [("Moteurs de recherche : Qwant", 7)]
    assert visits.daily_series(5, today=dt.date(2024, 1, 5)) == [
        (dt.date(2024, 1, 1) + dt.timedelta(days=d), 100 + d) for d in range(5)
    ]
    most_read = ArticlePage.objects.get(import_ref="spip:article:21")  # the last live one
    assert [(p.pk, n) for p, n in visits.top_pages(since=None, limit=1)] == [(most_read.pk, 210)]


def test_site_url_makes_links_to_the_old_site_internal(site, run_import, client):
    report = run_import(site[0], "--img", site[1], "--site-url", "http://old.example")
    text = ArticlePage.objects.get(import_ref="spip:article:3").body[0].value
    assert "[l'article->art2]" in text and "[le même->art2#suite]" in text
    assert "[la rubrique->rub1]" in text and "[la carte->doc1]" in text
    assert '<a href="/spip.php?breve1">' in text
    assert "[ailleurs->http://other.example/spip.php?article2]" in text  # another site: kept
    assert not any("art2" in link for link in report["unresolved_links"])
    page = client.get(ArticlePage.objects.get(import_ref="spip:article:3").url).content.decode()
    target = ArticlePage.objects.get(import_ref="spip:article:2")
    assert f'href="{target.url}"' in page and "old.example" not in page
    response = client.get("/spip.php?breve1")
    assert response.status_code == 301
    # another --site-url re-imports the texts that depend on it
    again = run_import(site[0], "--img", site[1], "--site-url", "http://old.example")
    assert again["articles"] == 0
    moved = run_import(site[0], "--img", site[1], "--site-url", "http://new.example")
    assert moved["articles"] > 0
    assert ImportRecord.objects.filter(ref="spip:article:3").exists()
