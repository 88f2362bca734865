"""Deleting an article or a brève puts it in the trash (unpublished, restorable with its
history); only an administrator deletes for good, and only from the trash."""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import Page

from redac.newsroom import services
from tests.support.personas import login


def test_delete_moves_an_article_to_the_trash(client, personas):
    people = personas
    article = people["article_a"]
    parent = article.get_parent()
    revisions = article.revisions.count()
    login(client, people["restricted"])
    url = reverse("wagtailadmin_pages:delete", args=[article.pk])
    assert "poubelle" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    article = Page.objects.get(pk=article.pk)
    assert not article.live
    assert services.is_in_trash(article)
    assert services.spip_status(article) == services.TRASHED
    assert article.revisions.count() >= revisions
    assert article.trash_entry.original_parent.pk == parent.pk
    # Readers no longer see it.
    assert client.get(article.url or "/nope/").status_code == 404


def test_restore_puts_it_back_as_a_draft_with_its_slug(client, personas):
    people = personas
    article = people["article_a"]
    slug, parent = article.slug, article.get_parent()
    services.move_to_trash(article, people["administrateur"])
    login(client, people["administrateur"])
    response = client.post(reverse("newsroom_restore", args=[article.pk]))
    assert response.status_code == 302
    article = Page.objects.get(pk=article.pk)
    assert article.get_parent().pk == parent.pk
    assert article.slug == slug
    assert not article.live
    assert services.spip_status(article) == services.DRAFT


def test_only_an_administrator_deletes_for_good_from_the_trash(client, personas):
    people = personas
    article = people["article_a"]
    services.move_to_trash(article, people["restricted"])
    url = reverse("wagtailadmin_pages:delete", args=[article.pk])
    login(client, people["restricted"])
    response = client.post(url)
    assert response.status_code in (302, 403)
    assert Page.objects.filter(pk=article.pk).exists()
    client.logout()
    login(client, people["administrateur"])
    response = client.post(url)
    assert response.status_code == 302
    assert not Page.objects.filter(pk=article.pk).exists()


def test_a_section_that_still_holds_articles_is_not_deleted(client, personas):
    people = personas
    login(client, people["administrateur"])
    section = people["section_b"]
    client.post(reverse("wagtailadmin_pages:delete", args=[section.pk]))
    assert Page.objects.filter(pk=section.pk).exists()


def test_the_trash_screen_lists_trashed_items(client, personas):
    people = personas
    services.move_to_trash(people["article_b"], people["administrateur"])
    login(client, people["administrateur"])
    page = client.get(reverse("newsroom_trash")).content.decode()
    assert people["article_b"].title.replace("'", "&#x27;") in page
    login(client, people["outsider"])
    assert client.get(reverse("newsroom_trash")).status_code in (302, 403)
