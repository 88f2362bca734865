"""SPIP's flow on Wagtail's workflow: a rédacteur proposes, the restricted administrator of the
section publishes or refuses with a comment; statuses read as SPIP's."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from redac.newsroom import services

from .conftest import login


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


def test_redacteur_proposes_and_the_item_is_proposé(client, newsroom_personas):
    people = newsroom_personas
    mail.outbox.clear()
    breve = propose_breve(client, people)
    assert not breve.live
    assert breve.workflow_in_progress
    assert services.spip_status(breve) == services.PROPOSED
    # The section's restricted administrator is told, and not the one of another section.
    recipients = {address for message in mail.outbox for address in message.to}
    assert people["restricted"].email in recipients


def test_restricted_admin_of_the_section_publishes_the_proposal(client, newsroom_personas):
    people = newsroom_personas
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


def test_restricted_admin_of_another_section_cannot_review(client, newsroom_personas):
    from django.contrib.auth.models import User

    people = newsroom_personas
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


def test_refusal_with_a_comment_makes_it_refusé(client, newsroom_personas):
    people = newsroom_personas
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


def test_redacteur_cannot_publish_directly(client, newsroom_personas):
    people = newsroom_personas
    breve = propose_breve(client, people)
    login(client, people["redacteur"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[breve.pk])).content.decode()
    assert 'name="action-publish"' not in edit
    breve.refresh_from_db()
    assert not breve.live


def test_statuses_are_spip_words_in_the_admin(client, newsroom_personas):
    from django.utils import translation

    with translation.override("fr"):
        from django.utils.translation import gettext

        assert gettext("draft") == "en cours de rédaction"
        assert gettext("live") == "publié en ligne"
        assert gettext("in moderation") == "proposé à la publication"
        assert gettext("Needs changes") == "Refusé"
