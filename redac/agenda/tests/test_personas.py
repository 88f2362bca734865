"""Rédacteurs propose events as they propose articles (the same workflow and roles); an
administrator publishes; an outsider gets nowhere; an event is duplicated with its dates."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from redac.agenda.models import AgendaPage, EventPage
from redac.news.models import SectionPage
from redac.newsroom import roles, services
from tests.support.personas import PASSWORD, login

pytestmark = pytest.mark.django_db


def account(name, *groups):
    user = User.objects.create_user(name, f"{name}@example.org", PASSWORD, first_name=name.title(),
                                    last_name="Test")  # fmt: skip
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    return user


def event_form(title="Atelier vélo", **extra):
    data = {
        "title": title, "slug": "", "start_date": "2030-05-04", "start_time": "14:00",
        "end_date": "", "end_time": "17:00", "status": "scheduled", "recurrence": "",
        "recurrence_interval": "1", "recurrence_until": "", "recurrence_count": "",
        "place_name": "Local", "place_address": "", "latitude": "", "longitude": "",
        "descriptif": "", "registration_url": "", "capacity": "", "lang": "fr",
        "body-count": "0",
        "exception_dates-TOTAL_FORMS": "0", "exception_dates-INITIAL_FORMS": "0",
        "exception_dates-MIN_NUM_FORMS": "0", "exception_dates-MAX_NUM_FORMS": "1000",
        "author_links-TOTAL_FORMS": "0", "author_links-INITIAL_FORMS": "0",
        "author_links-MIN_NUM_FORMS": "0", "author_links-MAX_NUM_FORMS": "1000",
        "comment_notifications": "on", "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_redacteur_is_offered_the_event_type_and_proposes_one(demo):
    section = SectionPage.objects.get(slug="actualite")
    client = login(Client(), account("rita", roles.REDACTEUR))
    chooser = client.get(reverse("wagtailadmin_pages:add_subpage", args=[section.pk]))
    assert chooser.status_code == 200
    assert "agenda/eventpage" in chooser.content.decode()
    url = reverse("wagtailadmin_pages:add", args=["agenda", "eventpage", section.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Proposer à la publication" in form.content.decode()
    response = client.post(url, event_form(**{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = EventPage.objects.get(title="Atelier vélo")
    assert not event.live and event.workflow_in_progress
    assert services.spip_status(event) == services.PROPOSED
    assert "Atelier vélo" not in Client().get("/agenda/2030/5/").content.decode()


def test_a_redacteur_cannot_publish_an_event_nor_create_an_agenda_page(demo):
    section = SectionPage.objects.get(slug="actualite")
    client = login(Client(), account("rita", roles.REDACTEUR))
    url = reverse("wagtailadmin_pages:add", args=["agenda", "eventpage", section.pk])
    client.post(url, event_form(**{"action-publish": "1"}))
    event = EventPage.objects.filter(title="Atelier vélo").first()
    assert event is None or not event.live
    agenda_url = reverse("wagtailadmin_pages:add", args=["agenda", "agendapage", section.pk])
    assert client.get(agenda_url).status_code in (302, 403)


def test_an_administrator_publishes_and_the_event_is_listed(demo):
    section = SectionPage.objects.get(slug="culture")
    client = login(Client(), account("adele", roles.ADMINISTRATOR))
    url = reverse("wagtailadmin_pages:add", args=["agenda", "eventpage", section.pk])
    response = client.post(url, event_form(**{"action-publish": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = EventPage.objects.get(title="Atelier vélo")
    assert event.live and event.occurrences.count() == 1
    assert "Atelier vélo" in Client().get("/agenda/rubrique/culture/2030/5/").content.decode()


def test_an_outsider_cannot_add_an_event(demo):
    section = SectionPage.objects.get(slug="actualite")
    client = Client()
    client.force_login(account("passant"))
    url = reverse("wagtailadmin_pages:add", args=["agenda", "eventpage", section.pk])
    assert client.get(url).status_code in (302, 403)


def test_a_duplicated_event_gets_its_own_occurrences_and_uid(demo):
    original = EventPage.objects.get(slug="permanence-logement")
    copy = original.copy(update_attrs={"slug": "permanence-logement-2", "title": "Copie"})
    copy = EventPage.objects.get(pk=copy.pk)
    assert copy.occurrences.count() == original.occurrences.count()
    assert copy.exception_dates.count() == 1
    assert AgendaPage.for_event(copy).slug == "agenda"
    assert copy.start_date == original.start_date and copy.sequence == 0
