"""The messages inbox: only the « Messages » group (and superusers) read, handle, export, erase."""

import csv
import io
import json

import pytest

from redac.contact.models import ContactMessage
from redac.contact.services import purge_expired_messages, store_contact_message
from redac.core.models import OutgoingMail


@pytest.fixture
def message(contact_page):
    return store_contact_message(contact_page, contact_page.subjects.get(label="Adhésion"),
                                 name="Dominique", email="dom@example.org",
                                 message="Je souhaite adhérer.")  # fmt: skip


URLS = ["/admin/messages/", "/admin/messages/{pk}/", "/admin/messages/export.csv",
        "/admin/messages/personne/?email=dom@example.org"]  # fmt: skip


@pytest.mark.parametrize("url", URLS)
def test_editor_and_outsider_cannot_open_the_inbox(client, personas, message, url):
    for persona in ("editor", "outsider"):
        client.force_login(personas[persona])
        response = client.get(url.format(pk=message.pk))
        assert response.status_code in (302, 403), persona
        assert b"dom@example.org" not in response.content


def test_anonymous_reader_is_sent_to_the_login_page(client, message):
    response = client.get("/admin/messages/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", URLS)
def test_messages_group_member_and_admin_can_read_the_inbox(client, personas,
                                                            message, url):  # fmt: skip
    for user in (personas["messages"], personas["admin"]):
        client.force_login(user)
        response = client.get(url.format(pk=message.pk))
        assert response.status_code == 200
        assert b"dom@example.org" in response.content


def test_the_inbox_is_in_french_and_shows_the_message(client, personas, message):
    client.force_login(personas["messages"])
    html = client.get("/admin/messages/").content.decode()
    assert "Messages reçus" in html and "À traiter" in html and "Dominique" in html


def test_editor_cannot_mark_or_delete_a_message(client, personas, message):
    client.force_login(personas["editor"])
    assert client.post(f"/admin/messages/{message.pk}/traite/", {"traite": "1"}).status_code in (
        302, 403)  # fmt: skip
    assert client.post(f"/admin/messages/{message.pk}/supprimer/").status_code in (302, 403)
    message.refresh_from_db()
    assert not message.is_handled


def test_marking_a_message_handled_moves_it_out_of_the_to_do_list(client, personas, message):
    client.force_login(personas["messages"])
    client.post(f"/admin/messages/{message.pk}/traite/", {"traite": "1"})
    message.refresh_from_db()
    assert message.is_handled and message.handled_by == personas["messages"]
    assert b"Dominique" not in client.get("/admin/messages/").content
    assert b"Dominique" in client.get("/admin/messages/?etat=traites").content


def test_bulk_mark_handled(client, personas, message, contact_page):
    other = store_contact_message(contact_page, contact_page.subjects.first(), name="Eve",
                                  email="eve@example.org", message="Bonjour")  # fmt: skip
    client.force_login(personas["messages"])
    client.post("/admin/messages/actions/", {"ids": [message.pk, other.pk], "action": "traite"})
    assert ContactMessage.objects.filter(handled_at__isnull=False).count() == 2


def test_csv_export_lists_messages(client, personas, message):
    client.force_login(personas["messages"])
    response = client.get("/admin/messages/export.csv?etat=tous")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["reçu le", "sujet", "nom"]
    assert rows[1][1:5] == ["Adhésion", "Dominique", "dom@example.org", "Je souhaite adhérer."]
    assert response["Content-Disposition"].startswith("attachment")


def test_per_person_export_gives_everything_held_about_an_address(client, personas,
                                                                   message):  # fmt: skip
    client.force_login(personas["messages"])
    response = client.get("/admin/messages/personne/?email=DOM@example.org&format=json")
    data = json.loads(response.content)
    assert data["Messages de contact"][0]["message"] == "Je souhaite adhérer."


def test_per_person_erase_needs_confirmation_then_deletes_messages_and_mails(
    client, personas, message
):
    client.force_login(personas["messages"])
    client.post("/admin/messages/personne/", {"email": "dom@example.org", "action": "effacer"})
    assert ContactMessage.objects.exists()
    client.post("/admin/messages/personne/",
                {"email": "dom@example.org", "action": "effacer", "confirmation": "1"})  # fmt: skip
    assert not ContactMessage.objects.exists()
    assert not OutgoingMail.objects.filter(reply_to="dom@example.org").exists()


def test_messages_older_than_the_retention_are_purged(message, settings):
    from django.utils import timezone

    ContactMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now()
        - timezone.timedelta(days=settings.REDAC_CONTACT_RETENTION_DAYS + 1)
    )
    recent = store_contact_message(message.page, message.page.subjects.first(), name="Récent",
                                   email="r@example.org", message="Hier")  # fmt: skip
    assert purge_expired_messages() == 1
    assert list(ContactMessage.objects.all()) == [recent]
    assert not OutgoingMail.objects.filter(kind="contact", source_id=message.pk).exists()


def test_the_inbox_menu_item_is_shown_only_to_the_messages_group(client, personas):  # fmt: skip
    client.force_login(personas["editor"])
    assert b"/admin/messages/" not in client.get("/admin/").content
    client.force_login(personas["messages"])
    assert b"/admin/messages/" in client.get("/admin/").content
