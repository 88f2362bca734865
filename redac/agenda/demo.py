"""The demo's agenda: a dozen events around today (past and upcoming, one weekly, one cancelled,
one postponed, whole days and hours), and the « Agenda » page at ``/agenda/`` (a contract for
outside checks: ``/agenda/`` and ``/agenda/agenda.ics`` answer on the demo).

Dates are relative to the day the demo is built, in the site's zone, so the demo always has
something coming; running the demo again updates the same pages (their ``import_ref``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import AgendaPage, EventPage, EventStatus, site_zone

#: (ref, section, slug, title, days from today, start, end, fields)
EVENTS = [
    ("ag", "actualite", "assemblee-generale", "Assemblée générale annuelle", -40, (18, 30),
     (21, 0), {"place_name": "Salle des fêtes", "place_address": "2 place de la Mairie\n75020 Paris",
               "latitude": "48.86361", "longitude": "2.39880", "keywords": ["Démocratie"],
               "descriptif": "Bilan de l'année, élection du bureau, verre de l'amitié."}),
    ("gare", "actualite", "rassemblement-gare", "Rassemblement pour le guichet de la gare", -12,
     (11, 0), (13, 0), {"place_name": "Parvis de la gare", "keywords": ["Transports",
                                                                           "Services publics"]}),
    ("projection", "culture", "projection-debat", "Projection-débat : « Les Rails du Sud »", -5,
     (20, 0), (22, 30), {"place_name": "Cinéma Le Lux", "capacity": 120,
                         "keywords": ["Culture", "Transports"]}),
    ("salon", "culture", "salon-du-livre-militant", "Salon du livre militant", -3, None, None,
     {"end_days": 1, "place_name": "Halle aux grains", "keywords": ["Culture"]}),
    ("permanence", "actualite", "permanence-logement", "Permanence logement", -21, (10, 0),
     (12, 0), {"recurrence": "weekly", "recurrence_count": 16, "skip_weeks": [5],
               "place_name": "Local de l'association", "place_address": "12 rue des Lilas\n75020 Paris",
               "keywords": ["Logement"],
               "descriptif": "Chaque samedi matin, sans rendez-vous : vos droits de locataire."}),
    ("manif", "actualite", "manifestation-regionale", "Manifestation régionale pour les services "
     "publics", 6, (14, 0), (17, 0), {"place_name": "Place de la République",
                                      "latitude": "48.86740", "longitude": "2.36320",
                                      "keywords": ["Services publics"]}),
    ("reunion", "actualite", "reunion-publique-transports", "Réunion publique sur les transports",
     9, (19, 0), (21, 0), {"status": EventStatus.CANCELLED, "place_name": "Maison des associations",
                           "keywords": ["Transports"]}),
    ("atelier", "culture", "atelier-ecriture", "Atelier d'écriture", 13, (14, 30), (17, 0),
     {"place_name": "Bibliothèque Louise-Michel", "capacity": 15,
      "registration_url": "https://example.org/inscription-atelier", "keywords": ["Culture"]}),
    ("festival", "culture", "festival-des-solidarites", "Festival des solidarités", 20, None, None,
     {"end_days": 2, "place_name": "Parc de Belleville", "keywords": ["Culture"]}),
    ("conference", "international", "conference-europe-rail", "Conférence : le rail en Europe",
     27, (18, 0), (20, 0), {"place_name": "Maison de l'Europe", "keywords": ["Allemagne",
                                                                               "Italie"]}),
    ("fete", "actualite", "fete-de-quartier", "Fête de quartier", 35, None, None,
     {"status": EventStatus.POSTPONED, "place_name": "Rue des Lilas"}),
    ("formation", "actualite", "formation-nouveaux-adherents", "Formation des nouveaux adhérents",
     45, (9, 30), (12, 30), {"place_name": "Local de l'association", "capacity": 20}),
]  # fmt: skip


def _page_under(parent, model, slug: str, *, ref: str, authors=(), keywords=(), exceptions=(),
                **fields):  # fmt: skip
    from .models import EventExceptionDate

    page = model.objects.filter(import_ref=ref).first()
    if page is None:
        page = model(slug=slug, import_ref=ref, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    if model is EventPage:
        page.author_links = [page.author_links.model(author=a, sort_order=n)
                             for n, a in enumerate(authors)]  # fmt: skip
        page.keywords = list(keywords)
        page.exception_dates = [EventExceptionDate(date=day) for day in exceptions]
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def build_agenda(home, sections: dict, keywords: dict, authors: list, *,
                 now: dt.datetime | None = None) -> AgendaPage:  # fmt: skip
    """The agenda page under ``home`` and the demo's events under ``sections`` (by slug)."""
    today = timezone.localtime(now or timezone.now(), site_zone()).date()
    agenda = _page_under(
        home, AgendaPage, "agenda", ref="demo:agenda", title="Agenda", show_in_menus=True,
        intro="Nos actions, réunions et rendez-vous. Abonnez-vous pour les retrouver dans "
              "votre propre agenda.",
    )  # fmt: skip
    for ref, section, slug, title, days, start, end, extra in EVENTS:
        extra = dict(extra)
        day = today + dt.timedelta(days=days)
        if extra.get("recurrence") == "weekly":
            day -= dt.timedelta(days=(day.weekday() - 5) % 7)  # a Saturday
        skip = [day + dt.timedelta(weeks=n) for n in extra.pop("skip_weeks", [])]
        end_days = extra.pop("end_days", 0)
        kws = [keywords[name] for name in extra.pop("keywords", []) if name in keywords]
        _page_under(
            sections[section], EventPage, slug, ref=f"demo:evenement:{ref}", title=title,
            start_date=day, start_time=dt.time(*start) if start else None,
            end_date=day + dt.timedelta(days=end_days) if end_days else None,
            end_time=dt.time(*end) if end else None, authors=authors, keywords=kws,
            exceptions=skip, **extra,
        )  # fmt: skip
    return agenda
