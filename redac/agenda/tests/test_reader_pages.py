"""What a reader sees of the agenda on the demo: the listing, the month table, filters by section
and keyword, an event's page with its date in French, its place and map link, « Ajouter à mon
agenda », and the next events on the home page."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.utils import timezone

from redac.agenda.models import AgendaPage, EventPage, site_zone

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'"))


def test_the_demo_agenda_answers_at_slash_agenda_with_upcoming_then_past(client, demo):
    response = client.get("/agenda/")
    assert response.status_code == 200
    text = text_of(response)
    assert text.index("À venir") < text.index("Manifestation régionale") < text.index("Passés")
    assert text.index("Passés") < text.index("Assemblée générale annuelle")
    assert "Annulé Réunion publique sur les transports" in text


def test_the_month_view_is_a_table_with_a_caption_and_column_headers(client, demo):
    today = timezone.localtime(timezone.now(), site_zone())
    response = client.get(f"/agenda/{today.year}/{today.month}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption id=" in html and html.count('<th scope="col">') == 7
    assert 'abbr title="samedi"' in html
    assert client.get("/agenda/2026/13/").status_code == 404


def test_filters_narrow_to_a_section_or_a_keyword(client, demo):
    culture = text_of(client.get("/agenda/rubrique/culture/"))
    assert "Festival des solidarités" in culture and "Manifestation régionale" not in culture
    logement = text_of(client.get("/agenda/mot/logement/"))
    assert "Permanence logement" in logement and "Festival des solidarités" not in logement
    assert client.get("/agenda/rubrique/nulle-part/").status_code == 404
    assert client.get("/agenda/autre/culture/").status_code == 404


def test_an_event_page_says_when_in_french_where_and_offers_its_ics(client, demo):
    event = EventPage.objects.get(slug="manifestation-regionale")
    response = client.get(event.url)
    assert response.status_code == 200
    text, html = text_of(response), response.content.decode()
    assert f"{event.when()}" in text and " de 14 h à 17 h" in text
    assert "Place de la République" in text
    assert "https://www.openstreetmap.org/?mlat=48.86740&amp;mlon=2.36320" in html
    agenda = AgendaPage.objects.get(slug="agenda")
    assert f'href="{agenda.url}evenement-{event.pk}.ics"' in html
    assert "Ajouter à mon agenda" in text
    assert '"@type": "Event"' in html and "EventScheduled" in html


def test_the_home_page_shows_the_next_events(client, demo):
    text = text_of(client.get("/"))
    assert "Prochains rendez-vous" in text
    assert "Tout l'agenda" in text


def test_the_demo_has_a_dozen_events_and_running_it_again_adds_none(demo):
    from redac.agenda.models import EventStatus
    from redac.demo.build import build_demo

    events = EventPage.objects.live()
    assert events.count() == 12
    assert events.filter(status=EventStatus.CANCELLED).count() == 1
    assert events.exclude(recurrence="").count() == 1
    now = timezone.now()
    assert events.filter(ends_at__lt=now).exists() and events.filter(starts_at__gt=now).exists()
    build_demo()
    assert EventPage.objects.count() == 12 and AgendaPage.objects.count() == 1


def test_agenda_pages_render_in_a_bounded_number_of_queries(client, demo,
                                                            django_assert_max_num_queries):  # fmt: skip
    """Under 12 queries, as the bench (bench/agenda.py) measures them at 20,000 events: each
    address after a sibling of it (the worker then has its site-wide fragments and compiled
    queries, not this page)."""
    today = timezone.localtime(timezone.now(), site_zone())
    event = EventPage.objects.get(slug="permanence-logement")
    pairs = [("/agenda/?page=2", "/agenda/"),
             ("/agenda/2020/1/", f"/agenda/{today.year}/{today.month}/"),
             ("/agenda/rubrique/actualite/", "/agenda/rubrique/culture/"),
             (EventPage.objects.get(slug="atelier-ecriture").url, event.url)]  # fmt: skip
    for sibling, url in pairs:
        assert client.get(sibling).status_code == 200
        with django_assert_max_num_queries(11):
            assert client.get(url).status_code == 200
