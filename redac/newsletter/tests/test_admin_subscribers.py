"""The subscribers' screen: the Webmestre (and the « Messages » group) search, see the origin and
the dates of consent, take an address off a list or erase it; the Administrateur, who sends the
letters, does not see the addresses."""

import pytest

from redac.newsletter.models import Subscriber, Subscription
from tests.support.personas import login


@pytest.mark.parametrize("persona, allowed", [
    ("webmestre", True), ("messages", True), ("administrateur", False), ("redacteur", False),
])  # fmt: skip
def test_who_sees_the_subscribers(client, personas, weekly, make_subscribers, persona, allowed):
    make_subscribers(weekly, 1)
    login(client, personas[persona])
    response = client.get("/admin/lettres/abonnes/")
    assert (response.status_code == 200) is allowed
    assert ("lecteur0@example.net" in response.content.decode()) is allowed


def test_search_remove_from_a_list_and_erase(client, personas, weekly, make_subscribers):
    first, second = make_subscribers(weekly, 2)
    login(client, personas["webmestre"])
    page = client.get("/admin/lettres/abonnes/?q=lecteur1").content.decode()
    assert "lecteur1@example.net" in page and "lecteur0@example.net" not in page
    assert "formulaire" in page  # the origin
    assert "private" in client.get("/admin/lettres/abonnes/")["Cache-Control"]
    subscription = Subscription.objects.get(subscriber=first)
    client.post(f"/admin/lettres/abonnes/inscription/{subscription.pk}/retirer/")
    assert not Subscriber.objects.filter(pk=first.pk).exists()  # on no list any more: erased
    client.post(f"/admin/lettres/abonnes/{second.pk}/effacer/")
    assert not Subscriber.objects.exists()


def test_the_administrator_cannot_erase(client, personas, weekly, make_subscribers):
    subscriber = make_subscribers(weekly, 1)[0]
    login(client, personas["administrateur"])
    client.post(f"/admin/lettres/abonnes/{subscriber.pk}/effacer/")
    assert Subscriber.objects.exists()
