"""Several lists, each with its own double opt-in; the reader chooses theirs on an uncached page
that goes through the anti-spam flow."""

import re

import pytest
from django.core import mail

from redac.core.mail import send_pending_mail
from redac.newsletter.models import NewsletterList, Subscriber, Subscription


@pytest.fixture
def two_lists(db):
    NewsletterList.objects.filter(slug="lettre-d-information").update(public=False)
    return (NewsletterList.objects.create(name="Lettre hebdomadaire", slug="hebdo"),
            NewsletterList.objects.create(name="Communiqués", slug="communiques"),
            NewsletterList.objects.create(name="Section interne", slug="interne", public=False))  # fmt: skip


def _post(client, stamp, lists=(), email="choix@example.org", ip="203.0.113.70"):
    data = {"email": email, "consent": "on", "horodatage": stamp, "site_web": ""}
    if lists:
        data["lists"] = [str(item.pk) for item in lists]
    return client.post("/lettre/", data, REMOTE_ADDR=ip)


def _links():
    send_pending_mail()
    return re.findall(r"http://[^\s]+/lettre/confirmer/[^\s]+/", mail.outbox[-1].body)


def test_the_sign_up_page_offers_the_public_lists_and_is_never_cached(client, two_lists):
    response = client.get("/lettre/")
    page = response.content.decode()
    assert "Lettre hebdomadaire" in page and "Communiqués" in page
    assert "Section interne" not in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_each_chosen_list_is_confirmed_on_its_own(client, fresh_stamp, two_lists):
    weekly, releases, _ = two_lists
    assert _post(client, fresh_stamp(), [weekly, releases]).status_code == 302
    links = _links()
    assert len(links) == 2 and len(mail.outbox) == 1  # one mail, one link per list
    assert "Lettre hebdomadaire" in mail.outbox[0].body and "Communiqués" in mail.outbox[0].body
    client.post(links[0].split("8000", 1)[1])
    states = dict(Subscription.objects.values_list("list__slug", "status"))
    assert sorted(states.values()) == ["confirmed", "pending"]
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    client.post(links[1].split("8000", 1)[1])
    assert set(Subscription.objects.values_list("status", flat=True)) == {"confirmed"}


def test_a_reader_must_choose_at_least_one_list_when_there_are_several(
    client, fresh_stamp, two_lists
):
    response = _post(client, fresh_stamp())
    assert response.status_code == 400
    assert "Choisissez au moins une lettre" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_private_list_cannot_be_asked_for(client, fresh_stamp, two_lists):
    assert _post(client, fresh_stamp(), [two_lists[2]]).status_code == 400
    assert not Subscription.objects.exists()


def test_joining_another_list_later_needs_its_own_confirmation(client, fresh_stamp, two_lists):
    weekly, releases, _ = two_lists
    _post(client, fresh_stamp(), [weekly])
    client.post(_links()[0].split("8000", 1)[1])
    _post(client, fresh_stamp(), [weekly, releases], ip="203.0.113.71")
    links = _links()
    assert len(links) == 1 and len(mail.outbox) == 2  # only the new list is asked about
    assert Subscription.objects.get(list=releases).status == Subscription.Status.PENDING


def test_the_default_list_exists_for_the_subscribers_of_before(db):
    assert NewsletterList.objects.filter(slug="lettre-d-information",
                                         name="Lettre d'information").exists()  # fmt: skip
