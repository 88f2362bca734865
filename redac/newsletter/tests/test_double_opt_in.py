"""Newsletter sign-up: double opt-in, single-purpose tokens, one answer for every address."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from redac.core.mail import send_pending_mail
from redac.newsletter.models import Subscriber, Subscription
from redac.newsletter.services import purge_unconfirmed, subscribe


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def sign_up(client, fresh_stamp, db):
    def post(email="nouvelle@example.org", ip="203.0.113.80", **extra):
        data = {"email": email, "consent": "on", "horodatage": fresh_stamp(), "site_web": ""}
        data.update(extra)
        return client.post("/lettre/", data, REMOTE_ADDR=ip)

    return post


def _link(kind):
    send_pending_mail()
    return re.search(rf"http://[^\s]+/lettre/{kind}/[^\s]+/", mail.outbox[-1].body).group(0)


def test_sign_up_sends_a_confirmation_and_lists_nobody_until_confirmed(sign_up, client):
    response = sign_up()
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    subscription = Subscription.objects.get()
    assert subscription.list.name == "Lettre d'information"  # the default list
    assert subscription.consent_version and "désinscrire" in subscription.consent_text
    link = _link("confirmer")
    assert link.startswith("http://127.0.0.1:8000/")  # built from REDAC_SITE_URL
    path = link.split("8000", 1)[1]
    assert client.get(path).status_code == 200  # a mail scanner opening it confirms nothing
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    client.post(path)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.confirmed_at
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


@pytest.mark.security_case("newsletter")
def test_confirmation_link_works_once(sign_up, client):
    sign_up()
    path = _link("confirmer").split("8000", 1)[1]
    client.post(path)
    assert client.post(path).status_code == 404


def test_the_answer_is_the_same_for_known_and_new_addresses(sign_up, client):
    Subscriber.objects.create(email="connue@example.org", status=Subscriber.Status.CONFIRMED,
                              unsubscribe_token="t" * 40, consent_version="v")  # fmt: skip
    first = sign_up(email="connue@example.org", ip="198.51.100.1")
    second = sign_up(email="inconnue@example.org", ip="198.51.100.2")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    page = client.get(first["Location"]).content.decode()
    assert "Si cette adresse n" in page


def test_unsubscribe_link_erases_the_address(sign_up, client):
    sign_up()
    client.post(_link("confirmer").split("8000", 1)[1])
    subscriber = Subscriber.objects.get()
    path = f"/lettre/desinscription/{subscriber.unsubscribe_token}/"
    assert client.get(path).status_code == 200
    client.post(path)
    assert not Subscriber.objects.exists()


@pytest.mark.security_case("newsletter")
def test_tokens_are_single_purpose(sign_up, client):
    sign_up()
    confirm_token = _link("confirmer").rstrip("/").rsplit("/", 1)[1]
    subscriber = Subscriber.objects.get()
    assert client.post(f"/lettre/desinscription/{confirm_token}/").status_code == 404
    assert client.post(f"/lettre/confirmer/{subscriber.unsubscribe_token}/").status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert Subscription.objects.get().confirm_token_hash != confirm_token  # only a hash is stored


def test_unconfirmed_addresses_are_purged_after_seven_days(db):
    subscribe("vieille@example.org")
    subscribe("recente@example.org")
    old = timezone.now() - dt.timedelta(days=8)
    Subscriber.objects.filter(email="vieille@example.org").update(created_at=old)
    Subscription.objects.filter(subscriber__email="vieille@example.org").update(created_at=old)
    assert purge_unconfirmed() == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["recente@example.org"]


def test_consent_is_required(sign_up):
    response = sign_up(consent="")
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_csv_export_for_the_mailer_lists_confirmed_addresses_only(client, personas, db):  # fmt: skip
    Subscriber.objects.create(email="=cmd@example.org", status=Subscriber.Status.CONFIRMED,
                              confirmed_at=timezone.now(), unsubscribe_token="u" * 40,
                              consent_version="v1")  # fmt: skip
    subscribe("attente@example.org")
    client.force_login(personas["editor"])
    assert client.get("/admin/lettre/export.csv").status_code in (302, 403)
    client.force_login(personas["messages"])
    response = client.get("/admin/lettre/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "'=cmd@example.org"
    assert rows[1][3].endswith(f"/lettre/desinscription/{'u' * 40}/")
