"""What readers may see is defined once (``published()``) and a page's public path is computed
once (``redac.core.paths.page_path``): every way of asking gives the same answer."""

from __future__ import annotations

import pytest
from wagtail.models import Page, PageViewRestriction

from redac.core.paths import page_path, url_path_to_paths
from redac.news.models import ArticlePage, BrevePage, SectionPage, published, restricted_paths

pytestmark = pytest.mark.django_db


def _restrict(section):
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="un-secret"
    )


def test_published_as_function_method_and_on_a_queryset_agree(demo):
    section = SectionPage.objects.live().first()
    _restrict(section)
    paths = restricted_paths(fresh=True)
    for model in (ArticlePage, BrevePage, SectionPage):
        expected = set(published(model, paths).values_list("pk", flat=True))
        assert set(model.objects.published(paths).values_list("pk", flat=True)) == expected
        assert set(model.objects.all().published(paths).values_list("pk", flat=True)) == expected
        assert set(published(model.objects.all(), paths).values_list("pk", flat=True)) == expected
        # the same pages as Wagtail's own definition of what the public sees
        assert expected == set(model.objects.live().public().values_list("pk", flat=True))
    assert not published(Page, paths).descendant_of(section, inclusive=True).exists()


def test_a_draft_is_not_published(demo):
    article = ArticlePage.objects.live().first()
    article.live = False
    article.save(update_fields=["live"])
    assert not ArticlePage.objects.published().filter(pk=article.pk).exists()
    assert not published(Page).filter(pk=article.pk).exists()


def test_page_path_is_the_path_wagtail_routes(demo, client):
    breve = next(iter(demo["breves"].values()))
    path = page_path(breve)
    assert path == breve.url
    assert client.get(path).status_code == 200
    assert page_path(demo["home"]) == "/"


def test_a_page_outside_every_site_has_no_path(demo):
    root = Page.get_first_root_node()
    orphan = root.add_child(instance=Page(title="Hors site", slug="hors-site"))
    assert page_path(orphan) is None


def test_an_old_url_path_maps_to_its_site_path(demo):
    breve = next(iter(demo["breves"].values()))
    assert url_path_to_paths(breve.url_path) == [page_path(breve)]
