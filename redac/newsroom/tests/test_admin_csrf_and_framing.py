"""Admin actions that change the site — publish, delete, change the site settings, assign
sections — are refused without a CSRF token and from a foreign Origin, even for an administrator
who is logged in (security case 48; the SPIP CVE-2016-7980 class: a page on another site making
an editor's browser post to the admin). And no admin page can be framed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from redac.newsroom import services
from tests.support.personas import login

FOREIGN_ORIGIN = "https://evil.example"


def admin_client(user) -> Client:
    """A browser-like client: Django's CSRF check is enforced, as it is for real requests."""
    return login(Client(enforce_csrf_checks=True), user)


def csrf_token(client: Client) -> str:
    client.get(reverse("wagtailadmin_home"))
    return client.cookies["csrftoken"].value


def draft_in(section, slug):
    from redac.news.models import ArticlePage

    page = ArticlePage(title=f"Brouillon {slug}", slug=slug, live=False)
    section.add_child(instance=page)
    page.save_revision()
    return Page.objects.get(pk=page.pk)


def publish(client, page, **extra):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    return client.post(f"{url}?id={page.pk}", {"include_descendants": ""}, **extra)


def delete(client, page, **extra):
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), {}, **extra)


def change_settings(client, site, **extra):
    url = reverse("wagtailsettings:edit", args=["core", "siteidentity", site.pk])
    return client.post(url, {"name": "Piraté"}, **extra)


def assign_sections(client, people, **extra):
    return client.post(reverse("newsroom_sections"),
                       {"user": people["redacteur"].pk, "sections": [people["section_b"].pk]},
                       **extra)  # fmt: skip


def site_name(site):
    from redac.core.models import SiteIdentity

    return SiteIdentity.for_site(site).name


@pytest.mark.security_case(48)
@pytest.mark.parametrize("attack", ["no_token", "foreign_origin"])
def test_case_48_publish_refused_without_token_or_from_another_origin(personas, attack):
    people = personas
    client = admin_client(people["administrateur"])
    page = draft_in(people["section_a"], "csrf-publication")
    if attack == "no_token":
        response = publish(client, page)
    else:
        response = publish(client, page, HTTP_X_CSRFTOKEN=csrf_token(client),
                           HTTP_ORIGIN=FOREIGN_ORIGIN)  # fmt: skip
    assert response.status_code == 403
    page.refresh_from_db()
    assert not page.live
    # The same request with the token, from the site itself, publishes: the refusal was CSRF's.
    assert publish(client, page, HTTP_X_CSRFTOKEN=csrf_token(client)).status_code == 302
    page.refresh_from_db()
    assert page.live


@pytest.mark.security_case(48)
@pytest.mark.parametrize("attack", ["no_token", "foreign_origin"])
def test_case_48_delete_refused_without_token_or_from_another_origin(personas, attack):
    people = personas
    client = admin_client(people["administrateur"])
    article = people["article_a"]
    if attack == "no_token":
        response = delete(client, article)
    else:
        response = delete(client, article, HTTP_X_CSRFTOKEN=csrf_token(client),
                          HTTP_ORIGIN=FOREIGN_ORIGIN)  # fmt: skip
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.live and not services.is_in_trash(article)
    assert delete(client, article, HTTP_X_CSRFTOKEN=csrf_token(client)).status_code == 302
    assert services.is_in_trash(Page.objects.get(pk=article.pk))


@pytest.mark.security_case(48)
@pytest.mark.parametrize("attack", ["no_token", "foreign_origin"])
@pytest.mark.parametrize("persona", ["administrateur", "webmestre"])
def test_case_48_settings_and_roles_refused_without_token_or_from_another_origin(
    personas, demo, attack, persona
):
    people = personas
    client = admin_client(people[persona])
    before = site_name(demo["site"])
    extra = {} if attack == "no_token" else {"HTTP_X_CSRFTOKEN": csrf_token(client),
                                             "HTTP_ORIGIN": FOREIGN_ORIGIN}  # fmt: skip
    assert change_settings(client, demo["site"], **extra).status_code == 403
    assert site_name(demo["site"]) == before
    assert assign_sections(client, people, **extra).status_code == 403
    assert not services.restricted_sections(people["redacteur"])
    # With the token the same posts reach the views (which then validate the form).
    token = {"HTTP_X_CSRFTOKEN": csrf_token(client)}
    assert change_settings(client, demo["site"], **token).status_code != 403
    assert assign_sections(client, people, **token).status_code != 403


@pytest.mark.security_case(48)
@pytest.mark.parametrize(
    "url",
    ["wagtailadmin_home", "wagtailusers_users:index", "newsroom_sections",
     "contact_admin:inbox", "visits_admin:dashboard"],
)  # fmt: skip
def test_case_48_admin_pages_cannot_be_framed(personas, url):
    client = login(Client(), personas["webmestre"])
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.security_case(48)
def test_case_48_the_login_page_cannot_be_framed(client, db):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
