"""SPIP's flow on Wagtail's workflow: a rédacteur proposes, the restricted administrator of the
section publishes or refuses with a comment; statuses read as SPIP's."""

from __future__ import annotations

import socket

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from redac.core.jobs import send_outbox
from redac.core.models import OutgoingMail
from redac.newsroom import services
from tests.support.personas import login


def propose_breve(client, people, title="Fête de quartier samedi"):
    from redac.news.models import BreveIndexPage, BrevePage

    listing = BreveIndexPage.objects.descendant_of(people["section_a"]).first()
    login(client, people["redacteur"])
    url = reverse("wagtailadmin_pages:add", args=["news", "brevepage", listing.pk])
    form = client.get(url)
    assert "Proposer à la publication" in form.content.decode()
    data = {
        "title": title, "slug": "fete-de-quartier", "date": "2026-11-27 10:00:00",
        "lang": "fr", "body-count": "1", "body-0-type": "spip", "body-0-deleted": "",
        "body-0-order": "0", "body-0-value": "Rendez-vous {{samedi}} à 15 h.",
        "author_links-TOTAL_FORMS": "0", "author_links-INITIAL_FORMS": "0",
        "author_links-MIN_NUM_FORMS": "0", "author_links-MAX_NUM_FORMS": "1000",
        "comment_notifications": "on", "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000", "action-submit": "1",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    breve = BrevePage.objects.get(title=title)
    client.logout()
    return breve


def test_redacteur_proposes_and_the_item_is_proposé(client, personas):
    people = personas
    mail.outbox.clear()
    breve = propose_breve(client, people)
    assert not breve.live
    assert breve.workflow_in_progress
    assert services.spip_status(breve) == services.PROPOSED
    # The section's restricted administrator is told, through the outbox (sent by the worker).
    assert mail.outbox == []
    send_outbox()
    recipients = {address for message in mail.outbox for address in message.to}
    assert people["restricted"].email in recipients


def test_restricted_admin_of_the_section_publishes_the_proposal(client, personas):
    people = personas
    breve = propose_breve(client, people)
    state = breve.current_workflow_task_state
    login(client, people["restricted"])
    assert state.task.specific.get_actions(breve, people["restricted"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[breve.pk, "approve", state.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302)
    breve.refresh_from_db()
    assert breve.live
    assert services.spip_status(breve) == services.PUBLISHED


def test_restricted_admin_of_another_section_cannot_review(client, personas):
    from django.contrib.auth.models import User

    people = personas
    other = User.objects.create_user("resb", "resb@example.org", "motdepasse-solide-42")
    services.set_restricted_sections(other, [people["section_b"]])
    breve = propose_breve(client, people)
    state = breve.current_workflow_task_state
    assert state.task.specific.get_actions(breve, other) == []
    login(client, other)
    url = reverse("wagtailadmin_pages:workflow_action", args=[breve.pk, "approve", state.pk])
    client.post(url, {"comment": ""})
    breve.refresh_from_db()
    assert not breve.live


def test_refusal_with_a_comment_makes_it_refusé(client, personas):
    people = personas
    breve = propose_breve(client, people)
    state = breve.current_workflow_task_state
    login(client, people["restricted"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[breve.pk, "reject", state.pk])
    client.post(url, {"comment": "Il manque l'adresse."})
    breve.refresh_from_db()
    assert not breve.live
    assert services.spip_status(breve) == services.REFUSED
    state.refresh_from_db()
    assert state.comment == "Il manque l'adresse."


def test_redacteur_cannot_publish_directly(client, personas):
    people = personas
    breve = propose_breve(client, people)
    login(client, people["redacteur"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[breve.pk])).content.decode()
    assert 'name="action-publish"' not in edit
    breve.refresh_from_db()
    assert not breve.live


def test_statuses_are_spip_words_in_the_admin(client, personas):
    from django.utils import translation

    with translation.override("fr"):
        from django.utils.translation import gettext

        assert gettext("draft") == "en cours de rédaction"
        assert gettext("live") == "publié en ligne"
        assert gettext("in moderation") == "proposé à la publication"
        assert gettext("Needs changes") == "Refusé"


def closed_port() -> int:
    """A local TCP port with nothing listening (bound by the kernel, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_workflow_mails_survive_a_mail_server_outage(client, personas):
    """Proposal, publication and refusal mails are queued in the outbox: with the mail server
    down, proposing and publishing still work, and the mails go out once it is back, once."""
    people = personas
    mail.outbox.clear()
    smtp_down = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(), EMAIL_TIMEOUT=2,
    )  # fmt: skip
    with smtp_down:
        breve = propose_breve(client, people)
        state = breve.current_workflow_task_state
        login(client, people["restricted"])
        url = reverse("wagtailadmin_pages:workflow_action", args=[breve.pk, "approve", state.pk])
        client.post(url, {"comment": ""})
        breve.refresh_from_db()
        assert breve.live
        queued = OutgoingMail.objects.filter(kind="workflow")
        subjects = {mail_.to: mail_.subject for mail_ in queued}
        assert "Proposé à la publication" in subjects[people["restricted"].email]
        assert people["redacteur"].email in subjects  # "your brève was published"
        send_outbox()  # the worker's run while the server is down: nothing lost, retried later
        statuses = set(queued.values_list("status", flat=True))
        assert OutgoingMail.Status.FAILED in statuses
        assert OutgoingMail.Status.SENT not in statuses
    assert mail.outbox == []
    OutgoingMail.objects.update(next_attempt_at=OutgoingMail.objects.first().created_at)
    send_outbox()  # the server is back (the test's locmem backend)
    send_outbox()
    sent = [(message.to[0], message.subject) for message in mail.outbox]
    assert len(sent) == len(set(sent)) == queued.count()
    assert {address for address, _ in sent} >= {people["restricted"].email,
                                                 people["redacteur"].email}  # fmt: skip
    assert set(queued.values_list("status", flat=True)) == {OutgoingMail.Status.SENT}


def test_a_refusal_is_mailed_to_the_rédacteur_through_the_outbox(client, personas):
    people = personas
    breve = propose_breve(client, people)
    state = breve.current_workflow_task_state
    login(client, people["restricted"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[breve.pk, "reject", state.pk])
    client.post(url, {"comment": "Il manque l'adresse."})
    mail.outbox.clear()
    send_outbox()
    to_redacteur = [m for m in mail.outbox if m.to == [people["redacteur"].email]]
    assert len(to_redacteur) == 1
    assert "Il manque l'adresse." in to_redacteur[0].body


def test_wagtail_workflow_notifiers_are_replaced_by_the_outbox_ones():
    from wagtail.models import WorkflowState
    from wagtail.signals import workflow_approved

    from redac.newsroom.mail import OutboxNotifierMixin

    receivers = workflow_approved._live_receivers(WorkflowState)
    receivers = receivers[0] if isinstance(receivers, tuple) else receivers  # sync, async
    notifiers = [r for r in receivers if hasattr(r, "send_notifications")]
    assert notifiers and all(isinstance(r, OutboxNotifierMixin) for r in notifiers)


def test_publier_is_refused_during_the_election_silence_and_says_why(client, personas):
    import datetime as dt

    from django.utils import timezone

    from redac.news.models import SectionPage
    from redac.reserve.models import ElectionSilence

    people = personas
    breve = propose_breve(client, people)  # in « Actualité »
    SectionPage.objects.filter(pk=people["section_a"].pk).update(campagne=True)
    silence = ElectionSilence.for_site(breve.get_site())
    silence.starts_at = timezone.now() - dt.timedelta(hours=1)
    silence.ends_at = timezone.now() + dt.timedelta(hours=5)
    silence.save()
    state = breve.current_workflow_task_state
    login(client, people["restricted"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[breve.pk, "approve", state.pk])
    response = client.post(url, {"comment": ""}, follow=True)
    assert "Période de réserve électorale" in response.content.decode()
    breve.refresh_from_db()
    assert not breve.live
    assert services.spip_status(breve) == services.PROPOSED  # still waiting, nothing lost
    # After the silence, the same « Publier » works.
    silence.ends_at = timezone.now() - dt.timedelta(minutes=1)
    silence.save()
    client.post(url, {"comment": ""})
    breve.refresh_from_db()
    assert breve.live


def test_an_editor_note_is_saved_and_mailed_through_the_outbox_when_smtp_is_down(client, personas):
    """Wagtail's in-editor comments notify the page's subscribers (its author): with the mail
    server down, saving the page with a note still works, and the note waits in the outbox."""
    from wagtail.admin.views.pages import edit as page_editor

    from redac.newsroom.mail import send_notification_through_outbox

    assert page_editor.send_notification is send_notification_through_outbox
    people = personas
    breve = propose_breve(client, people)  # its author is subscribed to its comments
    login(client, people["restricted"])
    data = {
        "title": breve.title, "slug": breve.slug, "date": "2026-11-27 10:00:00", "lang": "fr",
        "body-count": "1", "body-0-type": "spip", "body-0-deleted": "", "body-0-order": "0",
        "body-0-value": "Rendez-vous {{samedi}} à 15 h.",
        "author_links-TOTAL_FORMS": "0", "author_links-INITIAL_FORMS": "0",
        "author_links-MIN_NUM_FORMS": "0", "author_links-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "1", "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000",
        "comments-0-DELETE": "", "comments-0-resolved": "", "comments-0-id": "",
        "comments-0-contentpath": "title", "comments-0-text": "Préciser le lieu ?",
        "comments-0-position": "", "comments-0-replies-TOTAL_FORMS": "0",
        "comments-0-replies-INITIAL_FORMS": "0", "comments-0-replies-MIN_NUM_FORMS": "0",
        "comments-0-replies-MAX_NUM_FORMS": "0",
    }  # fmt: skip
    mail.outbox.clear()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(),
        EMAIL_TIMEOUT=2,
    ):
        response = client.post(reverse("wagtailadmin_pages:edit", args=[breve.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert breve.wagtail_admin_comments.filter(text="Préciser le lieu ?").exists()
    note = OutgoingMail.objects.get(to=people["redacteur"].email, body__contains="Préciser")
    assert note.kind == "workflow"
    send_outbox()
    assert [m.to for m in mail.outbox if "Préciser" in m.body] == [[people["redacteur"].email]]
