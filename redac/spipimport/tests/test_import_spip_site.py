"""``redac import-spip`` on SPIP-shaped databases built by the fixture builder."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Page, WorkflowState

from redac.comments.models import Comment
from redac.news.models import (
    ArticlePage,
    Author,
    BreveIndexPage,
    BrevePage,
    Keyword,
    KeywordGroup,
    SectionPage,
)
from redac.spipimport.models import ImportRecord, LegacyURL
from redac.spipimport.tests.conftest import fresh_numbering
from redac.visits.models import DailyPageVisits, DailyReferrer, DailySiteVisits, PageStats
from tests.support.spip_sites import SiteSpec, build_sqlite


def imported(model):
    return model.objects.filter(import_ref__startswith="spip:")


class TestASpip4SiteImported(TestCase):
    """One import of the fixture site (setUpTestData), read by every test of the class."""

    @classmethod
    def setUpTestData(cls):
        fresh_numbering()
        cls.folder = Path(tempfile.mkdtemp(prefix="spip4-"))
        (cls.folder / "IMG").mkdir()
        source = build_sqlite(cls.folder / "spip.sqlite", SiteSpec(), cls.folder / "IMG")
        out = cls.folder / "report.json"
        call_command("import-spip", str(source), "--img", str(cls.folder / "IMG"),
                     "--report", str(out), verbosity=0)  # fmt: skip
        cls.report = json.loads(out.read_text())

    def test_a_spip4_site_is_taken_over_whole(self):
        report = self.report

        assert report["rubriques"] == 6 and report["auteurs"] == 5 and report["groupes_mots"] == 2
        assert report["mots"] == 10 and report["documents"] == 3 and report["forums"] == 3
        # 23 articles + a hostile one + a translation; the redirect article is a redirect, not a page
        assert report["articles"] == 25 and report["breves"] == 21
        assert imported(ArticlePage).live().count() == 23
        assert imported(ArticlePage).filter(live=False).count() == 2
        assert imported(BrevePage).live().count() == 21
        assert report["visits_days"] == 10 and report["redirects"] > 60
        assert set(report) >= {"warnings", "unresolved_links", "seconds"}

    def test_rubriques_become_a_section_tree_with_sectors_at_the_top(self):
        actualite = SectionPage.objects.get(import_ref="spip:rubrique:1")
        international = SectionPage.objects.get(import_ref="spip:rubrique:2")
        assert international.get_parent().pk == actualite.pk
        assert actualite.get_parent().specific_class.__name__ == "HomePage"
        assert actualite.show_in_menus and actualite.descriptif == "Descriptif de Actualité."
        assert actualite.logo is not None  # the rubrique's logo
        listing = BreveIndexPage.objects.child_of(actualite).get()
        seed = BrevePage.objects.get(import_ref="spip:breve:1")
        assert seed.get_parent().pk == listing.pk

    def test_an_article_keeps_its_fields_authors_keywords_logo_and_visits(self):
        article = ArticlePage.objects.get(import_ref="spip:article:3")
        assert article.title == "Article numéro 3 : « un titre »"
        assert article.chapo == "{{Chapeau 3.}}"  # SPIP markup, rendered by |spip
        assert (
            article.body[0].block_type == "spip" and "{{{Un intertitre}}}" in article.body[0].value
        )
        assert [link.author.name for link in article.author_links.all()] == [
            "Aïcha Benali",
            "Jean Martin",
        ]
        assert article.visit_count == 30 and article.lang == "fr"
        assert article.date.year == 2024
        with_logo = ArticlePage.objects.get(import_ref="spip:article:2")
        assert with_logo.lead_image is not None
        assert sorted(with_logo.keywords.values_list("name", flat=True)) == [
            "Diplomatie", "Japon", "Russie"] or {"Diplomatie", "Japon", "Russie"} <= set(
            with_logo.keywords.values_list("name", flat=True))  # fmt: skip

    def test_statuses_map_to_live_drafts_and_moderation(self):
        draft = ArticlePage.objects.get(import_ref="spip:article:22")
        proposed = ArticlePage.objects.get(import_ref="spip:article:23")
        assert not draft.live and not proposed.live
        assert ImportRecord.objects.get(ref="spip:article:23").spip_status == "prop"
        # "prop" = submitted: it waits in Wagtail's moderation workflow
        assert WorkflowState.objects.filter(
            object_id=str(proposed.pk), status="in_progress"
        ).exists()
        assert not WorkflowState.objects.filter(object_id=str(draft.pk)).exists()

    def test_the_seed_breve_keeps_its_text_link_and_keywords(self):
        breve = BrevePage.objects.get(import_ref="spip:breve:1")
        assert breve.title == "Vers un partenariat stratégique russo-japonais"
        assert breve.lien_titre == "La déclaration conjointe"
        assert breve.lien_url == "https://example.org/declaration-conjointe"
        assert "{{Tokyo et Moscou}}" in breve.body[0].value
        assert set(breve.keywords.values_list("name", flat=True)) == {
            "Diplomatie",
            "Japon",
            "Russie",
        }
        assert timezone.localtime(breve.date).isoformat().startswith("2024-06-18T10:15")

    def test_authors_get_snippets_and_inactive_accounts_without_password(self):
        marie = Author.objects.get(import_ref="spip:auteur:2")
        assert marie.website == "https://example.org/mdupont"
        assert marie.slug != "mdupont"  # the public address is never the login
        assert marie.user.username == "mdupont" and not marie.user.is_active
        assert not marie.user.has_usable_password()
        assert marie.user.groups.filter(name="Editors").exists()
        admin = Author.objects.get(import_ref="spip:auteur:1").user
        assert admin.groups.filter(name="Moderators").exists() and not admin.is_superuser
        restricted = Author.objects.get(import_ref="spip:auteur:4").user
        assert restricted.groups.filter(name__startswith="Administrateurs SPIP : Économie").exists()

    def test_keywords_keep_their_groups(self):
        pays = KeywordGroup.objects.get(import_ref="spip:groupe:2")
        assert pays.name == "Pays"
        assert set(Keyword.objects.filter(group=pays).values_list("name", flat=True)) == {
            "Japon", "Russie", "France", "Allemagne"}  # fmt: skip

    def test_forums_become_threaded_comments_shown_and_counted_on_the_page(self):
        first, reply = (Comment.objects.get(import_ref=f"spip:forum:{n}") for n in (1, 2))
        article = ArticlePage.objects.get(import_ref="spip:article:2")
        assert first.page_id == reply.page_id == article.pk and reply.parent == first
        assert first.status == reply.status == Comment.Status.PUBLISHED
        assert first.author_name == "Paul Lecteur" and first.body == "Message 1\n\nTexte 1."
        # SPIP's IP of a message older than the legal year is not kept
        assert not Comment.objects.filter(ip_address__isnull=False).exists()
        on_breve = Comment.objects.get(import_ref="spip:forum:3")
        assert on_breve.page_id == BrevePage.objects.get(import_ref="spip:breve:1").pk
        html = self.client.get(article.url).content.decode()
        assert "2 commentaires" in html and "Texte 1." in html and "Texte 2." in html
        assert html.index("Texte 1.") < html.index("comments__replies") < html.index("Texte 2.")

    def test_visit_history_continues_in_the_visits_app(self):
        article = ArticlePage.objects.get(import_ref="spip:article:2")
        assert article.visit_count == 20  # SPIP's « visites »
        assert PageStats.objects.get(page_id=article.pk).total == 20
        assert self.client.get(f"/api/visits/{article.pk}/").json()["visits"] == 20
        assert DailyPageVisits.objects.filter(page_id=article.pk).count() == 5
        assert DailySiteVisits.objects.count() == 5
        assert list(DailyReferrer.objects.filter(page_id=article.pk)
                    .values_list("domain", "visits")) == [("Moteurs de recherche : Qwant", 7)]  # fmt: skip

    def test_live_imported_pages_are_found_by_the_site_search_and_drafts_are_not(self):
        from redac.search.models import SearchEntry

        live = ArticlePage.objects.get(import_ref="spip:article:3")
        draft = ArticlePage.objects.get(import_ref="spip:article:22")
        entry = SearchEntry.objects.get(kind="article", object_id=live.pk)
        assert entry.title == live.title and entry.section_title and entry.url == live.url
        assert not SearchEntry.objects.filter(object_id=draft.pk).exists()
        breves = list(imported(BrevePage).values_list("pk", flat=True))
        assert SearchEntry.objects.filter(kind="breve", object_id__in=breves).count() == 21

    def test_old_addresses_answer_301_to_the_new_pages(self):
        article = ArticlePage.objects.get(import_ref="spip:article:2")
        breve = BrevePage.objects.get(import_ref="spip:breve:1")
        section = SectionPage.objects.get(import_ref="spip:rubrique:1")
        expected = {
            "/spip.php?article2": article.url,
            "/?article2": article.url,
            "/article2.html": article.url,
            "/spip.php?page=article&id_article=2": article.url,
            "/article.php3?id_article=2": article.url,
            "/spip.php?breve1": breve.url,
            "/spip.php?rubrique1": section.url,
            "/article-numero-2": article.url,  # "propres" slugs from spip_urls
            "/-actualite-": section.url,
            "/+breve-1+": breve.url,
            "/+-japon-+": Keyword.objects.get(import_ref="spip:mot:7").get_absolute_url(),
            "/_marie-dupont_": Author.objects.get(import_ref="spip:auteur:2").get_absolute_url(),
            "/spip.php?article24": "https://example.org/ailleurs",  # a redirect article
        }
        for old, new in expected.items():
            response = self.client.get(old)
            assert (old, response.status_code, response["Location"]) == (old, 301, new)
        image = self.client.get("/IMG/png/carte-kouriles.png")
        assert image.status_code == 301 and image["Location"].endswith(".png")

    def test_old_addresses_of_drafts_and_unknown_objects_are_not_found(self):
        assert self.client.get("/spip.php?article22").status_code == 404  # a draft
        assert self.client.get("/spip.php?article999").status_code == 404

    def test_hostile_rows_are_neutralised(self):
        hostile = ArticlePage.objects.get(import_ref="spip:article:25")
        assert hostile.title == "Titre piégé"
        html = self.client.get(hostile.url).content.decode()
        assert "alert(" not in html and "javascript:" not in html and "onclick" not in html
        assert BrevePage.objects.get(import_ref="spip:breve:21").lien_url == ""
        warnings = " ".join(self.report["warnings"])
        assert "document 10 : chemin refusé" in warnings and "fichier absent" in warnings
        assert not ImportRecord.objects.filter(ref="spip:document:10").exists()
        assert "spip:article:25 -> spip:article:9999" in self.report["unresolved_links"]

    def test_translations_keep_their_language_and_link(self):
        english = ArticlePage.objects.get(import_ref="spip:article:26")
        assert english.lang == "en" and english.title == "G20 summit"
        assert ImportRecord.objects.get(ref="spip:article:26").extra["trad"] == 1
        french = ArticlePage.objects.get(import_ref="spip:article:1")
        html = self.client.get(french.url).content.decode()
        assert f'href="{english.url}" hreflang="en"' in html  # cross-linked for readers
        # ... and for search engines: each version lists every version, itself included
        for page, other in ((french, english), (english, french)):
            head = self.client.get(page.url).content.decode().split("</head>")[0]
            alternates = [line for line in head.splitlines() if 'rel="alternate" hreflang' in line]
            assert len(alternates) == 2, alternates
            assert any(f'hreflang="{other.lang}"' in a and other.url in a for a in alternates)
            assert any(f'hreflang="{page.lang}"' in a and page.url in a for a in alternates)

    def test_imported_texts_render_with_their_spip_references_resolved(self):
        pytest.importorskip("redac.typo")
        article, previous = (
            ArticlePage.objects.get(import_ref=f"spip:article:{n}") for n in (3, 2)
        )
        html = self.client.get(article.url).content.decode()
        assert f'href="{previous.url}"' in html  # [l'article précédent->art2]
        with_doc = self.client.get(previous.url).content.decode()
        assert "<figure" in with_doc and "Illustration de démonstration." in with_doc


@pytest.mark.django_db
def test_a_second_run_creates_nothing_and_a_changed_row_is_updated(
    spip4_site, run_import, tmp_path
):
    source, img = spip4_site
    run_import(source, "--img", img)
    pages, images = Page.objects.count(), Image.objects.count()
    again = run_import(source, "--img", img)
    assert all(again[key] == 0 for key in ("rubriques", "articles", "breves", "auteurs", "mots",
                                           "documents", "forums", "redirects"))  # fmt: skip
    assert (Page.objects.count(), Image.objects.count()) == (pages, images)
    article = ArticlePage.objects.get(import_ref="spip:article:2")
    assert article.visit_count == 20 and PageStats.objects.get(page_id=article.pk).total == 20
    assert DailyPageVisits.objects.filter(page_id=article.pk).count() == 5
    assert Comment.objects.count() == 3

    changed = tmp_path / "changed.sqlite"
    changed.write_bytes(source.read_bytes())
    db = sqlite3.connect(changed)
    db.execute("UPDATE spip_articles SET titre='Nouveau titre' WHERE id_article=3")
    db.commit()
    db.close()
    third = run_import(changed, "--img", img)
    assert third["articles"] == 1 and third["rubriques"] == 0
    assert ArticlePage.objects.get(import_ref="spip:article:3").title == "Nouveau titre"
    assert Page.objects.count() == pages


@pytest.mark.django_db
def test_an_interrupted_run_is_completed_by_the_next_one(spip4_site, run_import):
    source, img = spip4_site
    run_import(source, "--img", img)
    # as if killed after the first batches: some objects and records are missing
    for page in ArticlePage.objects.filter(import_ref__in=["spip:article:20", "spip:article:21"]):
        page.delete()
    ImportRecord.objects.filter(ref__in=["spip:article:20", "spip:article:21"]).delete()
    report = run_import(source, "--img", img)
    assert report["articles"] == 2
    assert imported(ArticlePage).count() == 25


@pytest.mark.django_db
def test_a_spip2_database_and_its_xml_backup_import_like_spip4(
    spip2_site, spip2_xml_dump, run_import
):
    report = run_import(spip2_site[0], "--img", spip2_site[1])
    assert (report["rubriques"], report["articles"], report["breves"], report["auteurs"]) == (
        6,
        25,
        21,
        5,
    )
    assert report["documents"] == 3  # the document and the IMG/arton2.png, IMG/rubon1.png logos
    assert ArticlePage.objects.get(import_ref="spip:article:2").lead_image is not None
    again = run_import(spip2_xml_dump[0], "--img", spip2_xml_dump[1])
    assert again["articles"] <= 1  # only the hostile title differs (XML drops control characters)
    assert imported(ArticlePage).count() == 25


@pytest.mark.django_db
def test_dry_run_reports_without_writing(spip4_site, run_import):
    before = Page.objects.count()
    report = run_import(spip4_site[0], "--img", spip4_site[1], "--dry-run")
    assert report["articles"] == 25
    assert Page.objects.count() == before and not ImportRecord.objects.exists()
    assert not LegacyURL.objects.exists()


@pytest.mark.django_db
def test_only_and_since_limit_what_is_imported(spip4_site, run_import):
    report = run_import(spip4_site[0], "--img", spip4_site[1], "--only", "rubriques,mots")
    assert report["rubriques"] == 6 and report["mots"] == 10 and report["articles"] == 0
    report = run_import(spip4_site[0], "--img", spip4_site[1], "--since", "2024-04-01")
    assert 0 < report["articles"] < 25
