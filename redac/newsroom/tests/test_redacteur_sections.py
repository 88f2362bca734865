"""A rédacteur writes everywhere unless sections are assigned to them; then only there. Either
way a rédacteur never publishes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from redac.news.models import ArticlePage, BreveIndexPage, SectionPage
from redac.newsroom import roles, services
from tests.support.personas import login

from .test_publication_workflow import propose_breve


@pytest.fixture
def limited(personas):
    """The rédacteur, limited to « Actualité » (A) by an administrator."""
    people = personas
    services.set_redacteur_sections(people["redacteur"], [people["section_a"]],
                                    by=people["administrateur"])  # fmt: skip
    return people


def refused(response) -> bool:
    """Wagtail refuses an admin view with a 403, or (for a page view opened by a link) with a
    redirect to the dashboard and an error message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def fresh(user):
    """The user re-read: Wagtail caches a user's page permissions on the instance."""
    return type(user).objects.get(pk=user.pk)


def add_article_url(section):
    return reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk])


def own_article(section, owner, title):
    article = ArticlePage(title=title, slug=title.lower().replace(" ", "-"), owner=owner,
                          live=False)  # fmt: skip
    section.add_child(instance=article)
    article.save_revision(user=owner)
    return article


def test_limited_rédacteur_may_create_in_their_section(client, limited):
    login(client, limited["redacteur"])
    assert client.get(add_article_url(limited["section_a"])).status_code == 200
    breve = propose_breve(client, limited)  # in A, proposed
    assert not breve.live
    assert services.spip_status(breve) == services.PROPOSED


def test_limited_rédacteur_cannot_create_in_another_section(client, limited):
    login(client, limited["redacteur"])
    assert refused(client.get(add_article_url(limited["section_b"])))
    assert refused(client.post(add_article_url(limited["section_b"]), {"title": "Hors rubrique"}))
    assert not ArticlePage.objects.filter(title="Hors rubrique").exists()
    # Not even below B (its brève listing).
    listing = BreveIndexPage.objects.descendant_of(limited["section_b"]).first()
    if listing is not None:
        url = reverse("wagtailadmin_pages:add", args=["news", "brevepage", listing.pk])
        assert refused(client.get(url))


def test_limited_rédacteur_cannot_edit_their_own_draft_in_another_section(client, limited):
    people = limited
    in_b = own_article(people["section_b"], people["redacteur"], "Brouillon culture")
    in_a = own_article(people["section_a"], people["redacteur"], "Brouillon actualite")
    login(client, people["redacteur"])
    assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[in_b.pk])))
    assert refused(client.post(reverse("wagtailadmin_pages:edit", args=[in_b.pk]),
                               {"title": "Modifié"}))  # fmt: skip
    in_b.refresh_from_db()
    assert in_b.title == "Brouillon culture"
    assert client.get(reverse("wagtailadmin_pages:edit", args=[in_a.pk])).status_code == 200


def test_limited_rédacteur_still_cannot_publish(client, limited):
    people = limited
    draft = own_article(people["section_a"], people["redacteur"], "Pas encore")
    login(client, people["redacteur"])
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert 'name="action-publish"' not in client.get(url).content.decode()
    assert not draft.permissions_for_user(people["redacteur"]).can_publish()
    client.post(reverse("wagtailadmin_pages:unpublish", args=[draft.pk]))
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{bulk}?id={draft.pk}", {"include_descendants": ""})
    draft.refresh_from_db()
    assert not draft.live


def test_a_rédacteur_without_sections_writes_everywhere(client, personas):
    people = personas
    login(client, people["redacteur"])
    assert client.get(add_article_url(people["section_a"])).status_code == 200
    assert client.get(add_article_url(people["section_b"])).status_code == 200


def test_the_screen_assigns_and_removes_a_rédacteur_s_sections(client, personas):
    people = personas
    redacteur = people["redacteur"]
    login(client, people["administrateur"])
    url = reverse("newsroom_sections")
    response = client.post(url, {"role": "redacteur", "user": redacteur.pk,
                                 "sections": [people["section_a"].pk]})  # fmt: skip
    assert response.status_code == 302
    assert services.redacteur_sections(redacteur) == [people["section_a"].page_ptr]
    assert not redacteur.groups.filter(name=roles.REDACTEUR).exists()
    assert not people["section_b"].permissions_for_user(redacteur).can_add_subpage()
    assert people["section_a"].permissions_for_user(redacteur).can_add_subpage()
    page = client.get(url).content.decode()
    assert "Actualité" in page and "toutes les rubriques" not in page
    # No section: back to the whole site.
    client.post(url, {"role": "redacteur", "user": redacteur.pk})
    assert services.redacteur_sections(redacteur) == []
    assert redacteur.groups.filter(name=roles.REDACTEUR).exists()
    assert people["section_b"].permissions_for_user(fresh(redacteur)).can_add_subpage()
    assert "toutes les rubriques" in client.get(url).content.decode()


def test_a_section_group_carries_the_rédacteur_role_s_other_rights(limited):
    """Images and documents, admin access: the per-section group replaces « Rédacteur »."""
    redacteur = limited["redacteur"]
    assert redacteur.has_perm("wagtailadmin.access_admin")
    role = Group.objects.get(name=roles.REDACTEUR)
    group = redacteur.groups.get(name__startswith=roles.REDACTEUR_SECTION_GROUP_PREFIX)
    assert set(role.collection_permissions.values_list("permission__codename", flat=True)) == \
        set(group.collection_permissions.values_list("permission__codename", flat=True))  # fmt: skip


@pytest.mark.parametrize("persona", ["redacteur", "restricted", "outsider"])
def test_only_administrators_and_webmestres_assign_sections(client, personas, persona):
    people = personas
    login(client, people[persona])
    response = client.post(reverse("newsroom_sections"), {
        "role": "redacteur", "user": people["redacteur"].pk,
        "sections": [people["section_b"].pk],
    })  # fmt: skip
    assert response.status_code in (302, 403)
    assert services.redacteur_sections(people["redacteur"]) == []
    assert SectionPage.objects.filter(pk=people["section_b"].pk).exists()
