"""The dashboard's « Mes articles » panel with the quick « Nouvelle brève », the SPIP live
preview endpoint, and brèves flagged for the flash ticker."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.personas import login


def test_my_articles_panel_lists_drafts_and_offers_a_new_breve(client, personas):
    from redac.news.models import ArticlePage

    people = personas
    draft = ArticlePage(title="Brouillon sur les transports", slug="brouillon-transports",
                        live=False, owner=people["redacteur"])  # fmt: skip
    people["section_a"].add_child(instance=draft)
    login(client, people["redacteur"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Mes articles" in home
    assert "Brouillon sur les transports" in home
    assert "en cours de rédaction" in home
    assert "Nouvelle brève" in home


@pytest.mark.security_case(64)
def test_spip_preview_renders_for_editors_only(personas):
    people = personas
    url = reverse("newsroom_spip_preview")
    anonymous = Client().post(url, {"text": "{{gras}}"})
    assert anonymous.status_code == 302
    editor = login(Client(enforce_csrf_checks=True), people["redacteur"])
    assert editor.post(url, {"text": "x"}).status_code == 403  # no CSRF token
    editor = login(Client(), people["redacteur"])
    response = editor.post(url, {"text": "Un <script>alert(1)</script> texte"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<script" not in html and "texte" in html
    assert editor.post(url, {"text": "a" * 100_001}).status_code == 400


def test_a_breve_flagged_for_the_flash_appears_in_the_ticker(client, personas, demo):
    from redac.flash.models import FlashItem
    from redac.news.models import BrevePage

    listing = next(iter(demo["breves"].values())).get_parent()
    breve = BrevePage(title="Grève des cheminots jeudi", slug="greve-jeudi", flash=True)
    listing.add_child(instance=breve)
    breve.save_revision().publish()
    assert FlashItem.objects.visible().filter(link_page=breve).exists()
    home = Client().get("/").content.decode()
    assert "Grève des cheminots jeudi" in home
    breve.unpublish()
    assert not FlashItem.objects.visible().filter(link_page=breve).exists()


def test_page_editor_gets_the_visits_only_for_those_who_can_edit(personas):
    people = personas
    article = people["article_a"]
    url = reverse("newsroom_page_visits", args=[article.pk])
    restricted = login(Client(), people["restricted"]).get(url)
    assert restricted.status_code == 200
    assert restricted.json()["visits"] == article.specific.visit_count
    assert login(Client(), people["redacteur"]).get(url).status_code in (302, 403)
