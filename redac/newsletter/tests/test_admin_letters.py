"""The letters' admin with the personas: who may write and send (Administrateur, Webmestre), who
may see the subscribers' addresses (the Webmestre); composing from two articles, preview, a test
to oneself, the send and its progress."""

import pytest
from django.core import mail
from django.utils.html import escape

from redac.newsletter import sending
from redac.newsletter.models import Letter
from tests.support.personas import login

pytestmark = pytest.mark.usefixtures("no_rate_limit")


@pytest.mark.parametrize("persona, allowed", [
    ("administrateur", True), ("webmestre", True), ("redacteur", False), ("restricted", False),
    ("messages", False), ("outsider", False),
])  # fmt: skip
def test_who_may_write_and_send_letters(client, personas, persona, allowed):
    login(client, personas[persona])
    response = client.get("/admin/lettres/")
    assert (response.status_code == 200) is allowed, response.status_code


@pytest.mark.parametrize("persona, allowed", [
    ("webmestre", True), ("messages", True), ("administrateur", False), ("redacteur", False),
])  # fmt: skip
def test_who_may_see_the_subscribers_addresses(client, personas, persona, allowed):
    login(client, personas[persona])
    response = client.get("/admin/lettre/export.csv")
    assert (response.status_code == 200) is allowed, response.status_code


def test_an_administrator_composes_previews_tests_and_sends_a_letter(
    client, personas, weekly, make_subscribers
):
    make_subscribers(weekly, 3)
    admin = personas["administrateur"]
    login(client, admin)
    a, b = personas["article_a"], personas["article_b"]
    response = client.post("/admin/lettres/nouvelle/", {
        "list": weekly.pk, "subject": "Notre lettre de décembre", "editorial": "Bonjour à toutes.",
        "pages": [str(a.pk), str(b.pk)],
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    letter = Letter.objects.get()
    assert [item.page_id for item in letter.letter_items.all()] == [a.pk, b.pk]
    detail = client.get(f"/admin/lettres/{letter.pk}/").content.decode()
    assert "3 abonnés confirmés" in detail
    preview = client.get(f"/admin/lettres/{letter.pk}/apercu/").content.decode()
    assert escape(a.title) in preview and escape(b.title) in preview
    assert "Bonjour à toutes." in preview
    client.post(f"/admin/lettres/{letter.pk}/essai/")
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert mail.outbox[0].subject == "[Essai] Notre lettre de décembre"
    assert not Letter.objects.get().deliveries.exists()  # a test is no send
    client.post(f"/admin/lettres/{letter.pk}/envoyer/")
    assert sending.send_due_letters() == 3
    assert len(mail.outbox) == 4
    assert all(a.title in m.body and b.title in m.body for m in mail.outbox)
    page = client.get("/admin/lettres/").content.decode()
    assert "Envoyée" in page or "envoyée" in page


def test_everything_since_the_last_letter(client, personas, weekly):
    login(client, personas["administrateur"])
    client.post("/admin/lettres/nouvelle/", {"list": weekly.pk, "subject": "Tout",
                                             "since_last": "on"})  # fmt: skip
    letter = Letter.objects.get()
    assert letter.letter_items.count() >= 2  # the demo's published articles and brèves


def test_a_letter_can_be_scheduled_paused_and_cancelled_from_the_admin(
    client, personas, letter, weekly, make_subscribers
):
    make_subscribers(weekly, 2)
    login(client, personas["webmestre"])
    client.post(f"/admin/lettres/{letter.pk}/programmer/", {"quand": "01/01/2099 08:00"})
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SCHEDULED and letter.scheduled_at.year == 2099
    client.post(f"/admin/lettres/{letter.pk}/envoyer/")
    client.post(f"/admin/lettres/{letter.pk}/pause/")
    assert Letter.objects.get().status == Letter.Status.PAUSED
    client.post(f"/admin/lettres/{letter.pk}/annuler/")
    assert Letter.objects.get().status == Letter.Status.CANCELLED
    assert sending.send_due_letters() == 0
