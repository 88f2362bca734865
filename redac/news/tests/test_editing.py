"""Editors work in a French admin, create a brève under Brèves and a flash item, and readers see
them. Personas: reader (anonymous), outsider (account without admin access), editor (Wagtail's
Moderators group: may publish; ``personas["moderator"]``, tests/support/personas.py), admin (superuser)."""

import pytest
from django.utils.text import slugify
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from redac.flash.models import FlashItem
from redac.news.models import BreveIndexPage, BrevePage

pytestmark = pytest.mark.django_db


def breve_form(title="Grève des bibliothèques : soutien total", text="Nous {soutenons} la grève."):
    return nested_form_data({
        "title": title,
        "slug": slugify(title),
        "body": streamfield([("spip", text)]),
        "author_links": inline_formset([]),
        "lien_titre": "",
        "lien_url": "",
        "date": "2026-11-27 10:00",
        "lang": "fr",
        "action-publish": "action-publish",
    })  # fmt: skip


def test_admin_speaks_french(client, personas):
    client.force_login(personas["moderator"])
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Tableau de bord" in html or "Pages" in html


def test_login_page_is_french(client):
    html = client.get("/admin/login/").content.decode()
    assert "Se connecter" in html or "Connexion" in html


def test_reader_is_sent_to_login_for_the_admin(client, demo):
    response = client.get("/admin/pages/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_outsider_cannot_enter_the_admin(client, personas):
    client.force_login(personas["outsider"])
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    listing = BreveIndexPage.objects.get()
    response = client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", breve_form())
    assert response.status_code in (302, 403)
    assert not BrevePage.objects.filter(title__startswith="Grève des").exists()


def test_editor_creates_a_breve_under_breves_and_readers_see_it(client, demo, personas):
    listing = BreveIndexPage.objects.get()
    client.force_login(personas["moderator"])
    response = client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", breve_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    breve = BrevePage.objects.get(title__startswith="Grève des")
    assert breve.live and breve.get_parent().pk == listing.pk
    client.logout()
    html = client.get(breve.url).content.decode()
    assert "<em>soutenons</em>" in html or "soutenons" in html
    assert "Grève des bibliothèques" in client.get("/").content.decode()


def test_editor_cannot_file_a_breve_directly_under_a_section(client, demo, personas):
    client.force_login(personas["moderator"])
    section = demo["home"].get_children().get(slug="actualite")
    response = client.get(f"/admin/pages/add/news/brevepage/{section.pk}/")
    assert response.status_code in (403, 404) or response.status_code == 302


def test_editor_publishes_a_flash_item_shown_in_the_ticker(client, demo, personas):
    client.force_login(personas["moderator"])
    response = client.post("/admin/snippets/flash/flashitem/add/", {
        "title": "Rassemblement devant la mairie à 18 h",
        "date": "2026-11-27 09:00",
        "link_page": "",
        "link_url": "https://example.org/rassemblement",
        "action-publish": "action-publish",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    item = FlashItem.objects.get(title__startswith="Rassemblement")
    assert item.live
    client.logout()
    html = client.get("/").content.decode()
    assert "Rassemblement devant la mairie" in html
    assert 'href="https://example.org/rassemblement"' in html


def test_flash_title_must_be_one_line(client, demo, personas):
    client.force_login(personas["moderator"])
    response = client.post("/admin/snippets/flash/flashitem/add/", {
        "title": "Ligne un\nLigne deux", "date": "2026-11-27 09:00",
        "action-publish": "action-publish",
    })  # fmt: skip
    assert response.status_code == 200
    assert not FlashItem.objects.filter(title__startswith="Ligne un").exists()
