"""Each newsroom persona gets exactly its rights on the contact inbox (issue 9; security case 50,
cf. Wagtail CVE-2026-44199): reading, exporting, marking handled, deleting and erasing a person's
messages belong to the « Messages » group and to the Webmestre role, whose members are trusted
with this political-opinion data. Rédacteurs and administrators (restricted or not) run the
content, not the correspondence: they are refused every view (Wagtail's answer: back to the
dashboard with « permission denied »); people without admin access are sent to the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redac.contact.models import ContactMessage
from redac.contact.services import store_contact_message
from tests.support.personas import login

#: Who may use the inbox; every other persona is refused.
MAY_READ_MESSAGES = {"messages", "webmestre"}
STAFF_REFUSED = {"redacteur", "restricted", "administrateur"}
NO_ADMIN_ACCESS = {"outsider", "anonymous"}
PERSONAS = sorted(MAY_READ_MESSAGES | STAFF_REFUSED | NO_ADMIN_ACCESS)
ADDRESS = "militante@example.org"


@pytest.fixture
def inbox_message(demo):
    from redac.contact.models import ContactPage

    page = ContactPage.objects.get()
    return store_contact_message(page, page.subjects.get(label="Adhésion"), name="Dominique",
                                 email=ADDRESS, message="Je souhaite adhérer en secret.")  # fmt: skip


@pytest.fixture
def as_persona(client, personas):
    def log_in(persona):
        if persona != "anonymous":
            return login(client, personas[persona])
        return client

    return log_in


def assert_refused(persona, response):
    if persona in NO_ADMIN_ACCESS:
        assert response.status_code == 302 and "/admin/login/" in response["Location"], persona
    else:
        # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
        assert response.status_code == 403 or (
            response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        ), f"{persona}: {response.status_code}"
    assert ADDRESS.encode() not in response.content and b"en secret" not in response.content


READ_VIEWS = {
    "inbox": lambda m: reverse("contact_admin:inbox"),
    "handled_list": lambda m: reverse("contact_admin:inbox") + "?etat=tous",
    "detail": lambda m: reverse("contact_admin:detail", args=[m.pk]),
    "export": lambda m: reverse("contact_admin:export") + "?etat=tous",
    "person": lambda m: reverse("contact_admin:person") + f"?email={ADDRESS}",
    "person_json": lambda m: reverse("contact_admin:person") + f"?email={ADDRESS}&format=json",
}


@pytest.mark.security_case(50)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", sorted(READ_VIEWS))
def test_reading_and_exporting_messages_by_persona(as_persona, inbox_message, persona, view):
    client = as_persona(persona)
    response = client.get(READ_VIEWS[view](inbox_message))
    if persona in MAY_READ_MESSAGES:
        assert response.status_code == 200, f"{persona} should open {view}"
        assert ADDRESS.encode() in response.content
    else:
        assert_refused(persona, response)


WRITE_ACTIONS = {
    "mark_handled": (lambda m: reverse("contact_admin:mark", args=[m.pk]), {"traite": "1"}),
    "bulk_mark_handled": (lambda m: reverse("contact_admin:bulk"),
                          {"action": "traite", "ids": "{pk}"}),
    "bulk_delete": (lambda m: reverse("contact_admin:bulk"),
                    {"action": "supprimer", "ids": "{pk}"}),
    "delete": (lambda m: reverse("contact_admin:delete", args=[m.pk]), {}),
    "erase_person": (lambda m: reverse("contact_admin:person"),
                     {"action": "effacer", "confirmation": "1", "email": ADDRESS}),
}  # fmt: skip


@pytest.mark.security_case(50)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(WRITE_ACTIONS))
def test_handling_and_deleting_messages_by_persona(as_persona, inbox_message, persona, action):
    url, data = WRITE_ACTIONS[action]
    data = {key: value.format(pk=inbox_message.pk) for key, value in data.items()}
    response = as_persona(persona).post(url(inbox_message), data)
    remaining = ContactMessage.objects.filter(pk=inbox_message.pk).first()
    if persona in MAY_READ_MESSAGES:
        assert response.status_code == 302, f"{persona} should {action}"
        if action.endswith("handled"):
            assert remaining.is_handled
        else:
            assert remaining is None
    else:
        assert_refused(persona, response)
        assert remaining is not None and not remaining.is_handled  # nothing changed


@pytest.mark.security_case(50)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_inbox_menu_item_follows_the_same_rights(as_persona, persona):
    response = as_persona(persona).get(reverse("wagtailadmin_home"))
    if persona in NO_ADMIN_ACCESS:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert (reverse("contact_admin:inbox") in response.content.decode()) == (
        persona in MAY_READ_MESSAGES
    )
