"""Security of the admin login (cases 44, 47, 48, 53) and two-factor authentication."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.support.personas import PASSWORD, login

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def attempt(username, password, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def test_unknown_user_and_wrong_password_get_the_same_answer(personas):
    unknown = attempt("personne", "mauvais-mot-de-passe", ip="10.0.0.2")
    wrong = attempt("redac", "mauvais-mot-de-passe", ip="10.0.0.3")
    assert unknown.status_code == wrong.status_code == 200

    def error(response):
        text = response.content.decode()
        start = text.index('class="help-block help-critical"') if "help-critical" in text else 0
        return text[start : start + 300]

    assert error(unknown) == error(wrong)


def test_repeated_failures_lock_the_account_from_any_address(personas, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("redac", "mauvais", ip=f"10.1.0.{n + 1}")
    # The right password, from yet another address, is refused while the account is locked.
    response = attempt("redac", PASSWORD, ip="10.1.1.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_spraying_many_accounts_from_one_address_locks_the_address(personas, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(f"compte{n}", "Printemps2026!", ip="10.2.0.1")
    response = attempt("redac", PASSWORD, ip="10.2.0.1")
    assert response.status_code == 429
    # The same account from an honest address still logs in.
    assert attempt("redac", PASSWORD, ip="10.2.0.2").status_code == 302


def test_forwarded_for_header_does_not_escape_the_address_lock(personas, settings):
    """Security case 33: X-Forwarded-For is not trusted."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.3.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").post(
            LOGIN, {"username": f"compte{n}", "password": "x"}
        )
    response = Client(REMOTE_ADDR="10.3.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9").post(
        LOGIN, {"username": "redac", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_session_id_changes_at_login_and_dies_at_logout(personas):
    """Security case 47 (session fixation, logout)."""
    client = Client(REMOTE_ADDR="10.4.0.1")
    client.get(LOGIN)
    client.cookies["sessionid"] = "fixed-by-an-attacker"
    response = client.post(LOGIN, {"username": "redac", "password": PASSWORD})
    assert response.status_code == 302
    session_id = client.cookies["sessionid"].value
    assert session_id != "fixed-by-an-attacker"
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    stale = Client()
    stale.cookies["sessionid"] = session_id
    response = stale.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_admin_posts_need_a_csrf_token_and_admin_cannot_be_framed(personas):
    """Security case 48."""
    people = personas
    client = Client(enforce_csrf_checks=True)
    login(client, people["administrateur"])
    article = people["article_a"]
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.live
    page = client.get("/admin/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_no_account_exists_after_install(db):
    """Security case 53: migrations create roles, never an account."""
    from django.contrib.auth.models import Group, User

    assert not User.objects.exists()
    assert not User.objects.filter(groups__in=Group.objects.all()).exists()


# --- Two-factor authentication -------------------------------------------------------------------


def test_administrateur_must_set_up_two_factor_before_using_the_admin(personas):
    client = Client()
    client.force_login(personas["administrateur"])
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("newsroom_2fa_setup"))


def test_webmestre_must_set_up_two_factor(personas):
    client = Client()
    client.force_login(personas["webmestre"])
    response = client.get("/admin/")
    assert response.url.startswith(reverse("newsroom_2fa_setup"))


@override_settings(REDAC_2FA_REQUIRED_FOR_SUPERUSERS=True)
def test_superusers_must_set_up_two_factor(db):
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.create_superuser("chef", "c@example.org", PASSWORD))
    assert client.get("/admin/").url.startswith(reverse("newsroom_2fa_setup"))


def test_redacteur_may_use_the_admin_without_two_factor(personas):
    client = Client()
    client.force_login(personas["redacteur"])
    assert client.get("/admin/").status_code == 200


def test_setting_up_two_factor_with_a_valid_code_opens_the_admin(personas):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(personas["administrateur"])
    page = client.get(reverse("newsroom_2fa_setup"))
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas["administrateur"])
    wrong = client.post(reverse("newsroom_2fa_setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "pas le bon" in wrong.content.decode()
    # django-otp makes the next try wait after a failure (brute-force throttle); skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("newsroom_2fa_setup"), {"token": code, "next": "//evil.example"})
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert client.get("/admin/pages/").status_code == 200


def test_a_user_with_a_device_types_a_code_at_each_login(personas):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = personas["redacteur"]  # optional for rédacteurs, but enforced once set up
    device = TOTPDevice.objects.create(user=user, name="tel", confirmed=True)
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.url.startswith(reverse("newsroom_2fa_verify"))
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(reverse("newsroom_2fa_verify"), {"token": code})
    assert client.get("/admin/").status_code == 200
