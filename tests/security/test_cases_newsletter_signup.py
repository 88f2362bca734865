"""Security cases for the newsletter sign-up (end of security-cases.md): header injection,
subscribing someone else (double opt-in, random single-purpose tokens), enumeration, flooding.

Two token tests live with the newsletter (redac/newsletter/tests/test_double_opt_in.py), marked
``security_case("newsletter")``."""

import time

from django.core import mail

from redac.core.mail import send_pending_mail
from redac.newsletter.models import Subscriber
from redac.newsletter.tests.test_double_opt_in import (  # noqa: F401 (fixture)
    _link,
    sign_up,
)


def _post(client, email, stamp, ip="203.0.113.90"):
    return client.post("/lettre/", {"email": email, "consent": "on", "horodatage": stamp},
                       REMOTE_ADDR=ip)  # fmt: skip


def test_case_newsletter_header_injection_in_email_is_refused(client, fresh_stamp, db):
    for n, email in enumerate(
        [
            "a@example.org\r\nBcc: victim@example.org",
            "a@example.org,victim@example.org",
            '"><svg onload=1>@x.fr',
        ]
    ):
        response = _post(client, email, fresh_stamp(), ip=f"198.51.100.{n}")
        assert response.status_code == 400
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_case_newsletter_subscribing_someone_else_puts_nothing_on_the_list(client, fresh_stamp, db):
    _post(client, "victime@example.org", fresh_stamp())
    assert not Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exists()
    send_pending_mail()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["victime@example.org"]
    assert "ignorez ce message" in mail.outbox[0].body


def test_case_newsletter_repeated_requests_do_not_mail_bomb_the_address(client, fresh_stamp, db):
    for n in range(5):
        _post(client, "victime@example.org", fresh_stamp(), ip=f"198.51.100.{n}")
    send_pending_mail()
    assert len(mail.outbox) == 1


def test_case_newsletter_already_subscribed_is_not_revealed(client, fresh_stamp, db):
    Subscriber.objects.create(email="connue@example.org", status=Subscriber.Status.CONFIRMED,
                              unsubscribe_token="k" * 40, consent_version="v")  # fmt: skip
    known = _post(client, "connue@example.org", fresh_stamp(), ip="198.51.100.10")
    new = _post(client, "neuve@example.org", fresh_stamp(), ip="198.51.100.11")
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])


def test_case_newsletter_sign_up_flooding_is_throttled(client, fresh_stamp, db):
    codes = [_post(client, f"n{n}@example.org", fresh_stamp()).status_code for n in range(30)]
    assert codes[0] == 302 and codes.count(429) >= 20
    assert Subscriber.objects.count() <= 5


def test_case_newsletter_too_fast_submission_is_refused(client, db):
    from redac.core.lib.antispam import issue_stamp

    assert _post(client, "a@example.org", issue_stamp(time.time())).status_code == 400
    assert not Subscriber.objects.exists()


def test_case_27_confirmation_link_ignores_a_poisoned_host_header(
    client, fresh_stamp, db, settings
):
    settings.ALLOWED_HOSTS = ["*"]
    client.post("/lettre/", {"email": "h@example.org", "consent": "on", "horodatage": fresh_stamp()},
                HTTP_HOST="evil.example", REMOTE_ADDR="198.51.100.99")  # fmt: skip
    send_pending_mail()
    assert "evil.example" not in mail.outbox[0].body
    assert settings.SITE_URL in mail.outbox[0].body


def test_case_newsletter_tokens_are_random_and_unrelated_to_the_address(sign_up, client):  # noqa: F811
    tokens = []
    for n, email in enumerate(("meme@example.org", "meme2@example.org")):
        sign_up(email=email, ip=f"198.51.100.{40 + n}")
        tokens.append(_link("confirmer").rstrip("/").rsplit("/", 1)[1])
        tokens.append(Subscriber.objects.get(email=email).unsubscribe_token)
    assert len(set(tokens)) == 4
    for token in tokens:
        assert len(token) >= 32  # at least 160 bits of randomness once decoded
        assert "meme" not in token
