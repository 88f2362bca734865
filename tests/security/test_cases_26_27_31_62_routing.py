"""Security cases 26 (open redirects), 27 (Host header), 31 (drafts), 62 (no script break-out)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from redac.flash.models import FlashItem
from redac.news.models import ArticlePage

EVIL = ["https://evil.example", "//evil.example", "/\\evil.example", "https:evil.example"]


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("chef", "chef@example.org", "motdepasse-chef-123")


@pytest.mark.parametrize("target", EVIL)
def test_case_26_login_next_never_leaves_the_site(client, staff, target):
    response = client.post(f"/admin/login/?next={target}",
                           {"username": "chef", "password": "motdepasse-chef-123",
                            "next": target})  # fmt: skip
    assert response.status_code == 302
    location = response["Location"]
    assert "evil.example" not in location
    assert location.startswith("/")


@pytest.mark.parametrize("target", EVIL)
def test_case_26_logout_next_never_leaves_the_site(client, staff, target):
    client.force_login(staff)
    response = client.post(f"/admin/logout/?next={target}", {"next": target})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_case_27_unknown_host_header_is_400(demo):
    assert Client().get("/", HTTP_HOST="evil.example").status_code == 400


def test_case_27_password_reset_link_uses_the_configured_site(client, staff, settings):
    from django.core import mail

    settings.ALLOWED_HOSTS = ["*"]
    client.post("/admin/password_reset/", {"email": "chef@example.org"},
                HTTP_HOST="evil.example")  # fmt: skip
    assert len(mail.outbox) == 1
    assert "evil.example" not in mail.outbox[0].body


def test_case_31_draft_page_is_404_by_slug_and_its_preview_needs_login(client, demo):
    article = ArticlePage.objects.get(slug="loyers-encadrement")
    url = article.url
    article.unpublish()
    assert client.get(url).status_code == 404
    response = client.get(f"/admin/pages/{article.pk}/view_draft/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(f"/commentaires/{article.pk}/").status_code == 404
    assert b"Encadrement des loyers" not in client.get("/").content
    assert b"Encadrement des loyers" not in client.get("/actualite/").content


def test_case_62_flash_title_with_script_breakout_is_escaped(client, demo):
    item = FlashItem.objects.visible().first()
    item.title = "</script><script>alert(1)</script>"
    item.save()
    item.save_revision().publish()
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html.split("<body", 1)[1].replace(
        '<script src="', ""
    )  # no inline script at all: only external, same-origin files
