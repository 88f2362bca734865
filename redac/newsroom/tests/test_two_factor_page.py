"""Issue 16: the 2FA page is one page with one form. The admin's icon sprite was redirected to
the 2FA page and injected into it (two <main>, two <h1>), and typing the code in the first form
led to an XML parse error: the admin's static resources answer a user who has not passed 2FA."""

from __future__ import annotations

import base64

from django.test import Client

from tests.support.browser import totp_now
from tests.support.personas import PASSWORD


def password_only(username):
    client = Client()
    assert (
        client.post("/admin/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_the_sprite_and_the_javascript_catalogue_answer_before_the_second_factor(
    personas,
):
    client = password_only("webmestre")
    sprite = client.get("/admin/sprite/")
    assert sprite.status_code == 200 and sprite["Content-Type"].startswith("image/svg+xml")
    assert b'<symbol id="icon-' in sprite.content and b"<main" not in sprite.content
    assert client.get("/admin/jsi18n/").status_code == 200


def test_the_setup_page_is_one_page_with_one_form_and_leads_to_the_dashboard(personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = password_only("webmestre")
    page = client.get("/admin/2fa/activer/", follow=True).content.decode()
    assert page.count("<main") == 1 and page.count("<h1") == 1
    main = page[page.index("<main") : page.index("</main>")]
    assert main.count("<form") == 1
    device = TOTPDevice.objects.get(user=personas["webmestre"], confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert secret in page
    done = client.post("/admin/2fa/activer/", {"token": totp_now(secret), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200 and dashboard["Content-Type"].startswith("text/html")
