"""Issue 15 (low): a 404 for a draft's address was measurably faster than for an address where
nothing exists, so timing the 404 told an outsider that a draft (an unannounced article, a
section being prepared) existed at a guessed address.

Both now take the same path: the same database queries, one by one (not a time: a time on a
shared machine proves nothing), whether the page was never published, was unpublished, sits
under a section that is itself a draft, or does not exist at all."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def addresses(demo):
    """Addresses of drafts and of nothing, two by two at the same depth."""
    from redac.news.models import ArticlePage, SectionPage

    section = SectionPage.objects.live().get(slug="actualite")
    never = section.add_child(instance=ArticlePage(title="Plan social : les chiffres",
                                                   slug="plan-social-chiffres", live=False))  # fmt: skip
    was = section.add_child(instance=ArticlePage(title="Ancien article", slug="ancien-article"))
    was.save_revision().publish()
    was.unpublish()
    hidden_section = section.get_parent().add_child(
        instance=SectionPage(title="Congrès", slug="congres-secret", live=False)
    )
    hidden_section.add_child(instance=ArticlePage(title="Motion", slug="motion", live=False))
    return {
        "never published": (f"{section.url}{never.slug}/", f"{section.url}plan-inexistant/"),
        "unpublished": (f"{section.url}ancien-article/", f"{section.url}jamais-existe/"),
        "draft section": ("/congres-secret/", "/congres-inexistant/"),
        "draft under a draft section": ("/congres-secret/motion/", "/congres-inexistant/motion/"),
    }


def queries_of(client, path) -> list[str]:
    """The SQL a 404 at ``path`` runs, its literal values taken out."""
    client.get(path)  # the first request fills what every request may keep (site, menus...)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 404, f"{path}: {response.status_code}"
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in captured.captured_queries]


def test_attack_draft_404_timing_same_queries_as_an_address_that_does_not_exist(addresses):
    client = Client()
    for what, (draft, missing) in addresses.items():
        assert queries_of(client, draft) == queries_of(client, missing), what


def test_attack_draft_404_timing_live_pages_still_served(addresses):
    """The shortcut answers 404 only where Wagtail would: live pages, under live or draft
    sections, are still served."""
    from redac.news.models import ArticlePage

    live = ArticlePage.objects.live().first()
    assert Client().get(live.url).status_code == 200
