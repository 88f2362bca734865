"""Issue 15, low item: section-limited users saw other sections' draft titles in the page chooser
(and its search) and on the confirmation pages of bulk actions (ids are guessable). One rule now
decides what an admin listing shows them (``redac.newsroom.visibility``): live pages, and drafts
in their own sections only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.personas import login

SECRET_TITLE = "Projet confidentiel de motion de censure"
OWN_TITLE = "Brouillon de la rubrique actualité"


@pytest.fixture
def drafts(personas):
    from redac.news.models import ArticlePage

    def draft(section, title):
        page = ArticlePage(title=title, slug=title.lower().replace(" ", "-")[:50], live=False)
        section.add_child(instance=page)
        page.save_revision()
        return page

    return {
        "elsewhere": draft(personas["section_b"], SECRET_TITLE),
        "own": draft(personas["section_a"], OWN_TITLE),
    }


@pytest.fixture(params=["restricted", "limited_redacteur"])
def limited(request, personas):
    """A restricted administrator of « Actualité », and a rédacteur limited to it."""
    from redac.newsroom import services

    if request.param == "restricted":
        return login(Client(), personas["restricted"])
    redacteur = personas["redacteur"]
    services.set_redacteur_sections(redacteur, [personas["section_a"]])
    return login(Client(), redacteur)


def test_attack_chooser_leaks_drafts_not_in_the_page_chooser_or_its_search(limited, drafts):
    home = drafts["elsewhere"].get_parent().get_parent()
    seen = ""
    for url in (
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=[drafts["elsewhere"].get_parent().pk]),
        reverse("wagtailadmin_choose_page_child", args=[home.pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=confidentiel",
        reverse("wagtailadmin_choose_page_search") + "?q=motion",
    ):
        response = limited.get(url)
        assert response.status_code == 200, url
        seen += response.content.decode()
    assert SECRET_TITLE not in seen
    own = limited.get(reverse("wagtailadmin_choose_page_search") + "?q=rubrique").content.decode()
    assert OWN_TITLE in own


def test_attack_chooser_leaks_drafts_not_on_bulk_action_pages(limited, drafts):
    ids = f"id={drafts['elsewhere'].pk}&id={drafts['own'].pk}"
    for action in ("publish", "unpublish", "move", "delete"):
        response = limited.get(f"/admin/bulk/wagtailcore/page/{action}/?{ids}&next=/admin/")
        assert SECRET_TITLE not in response.content.decode(), action


def test_admin_search_and_api_keep_other_sections_drafts_hidden_too(limited, drafts):
    search = limited.get(reverse("wagtailadmin_pages:search") + "?q=confidentiel")
    api = limited.get("/admin/api/main/pages/?search=confidentiel")
    assert SECRET_TITLE not in search.content.decode() + api.content.decode()


def test_site_wide_editors_still_see_every_draft_in_the_chooser(personas, drafts):
    client = login(Client(), personas["administrateur"])
    found = client.get(reverse("wagtailadmin_choose_page_search") + "?q=confidentiel")
    assert SECRET_TITLE in found.content.decode()
