"""The demo's campaign: the article « Un guichet dans chaque gare » and its petition, whose
counter agrees with what the demo's brève and flash say (past 5 000 signatures)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import Petition, Signature

SLUG = "un-guichet-dans-chaque-gare"
#: Confirmed signatures of the demo petition: the brève « 5 000 signatures en une semaine » and
#: the flash « dépasse 5 000 signatures » say so.
SIGNATURES = 5214
GOAL = 10_000
TEXT = (
    "Nous, usagers des trains régionaux, demandons au conseil régional :\n\n"
    "– un moratoire immédiat sur la fermeture des guichets ;\n"
    "– une présence humaine dans chaque gare de plus de 300 voyageurs par jour ;\n"
    "– des horaires d'ouverture affichés et respectés."
)
FIRST_NAMES = ["Camille", "Lucas", "Léa", "Hugo", "Chloé", "Nathan", "Inès", "Louis", "Manon",
               "Karim", "Sarah", "Jules", "Fatou", "Paul", "Emma", "Yanis", "Jeanne", "Tom"]  # fmt: skip
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Benali", "Roux"]  # fmt: skip
CITIES = [("Amiens", "80000"), ("Abbeville", "80100"), ("Beauvais", "60000"),
          ("Compiègne", "60200"), ("Laon", "02000"), ("Saint-Quentin", "02100")]  # fmt: skip
MESSAGES = ["Sans guichet, ma mère ne prend plus le train.", "", "",
            "La gare de mon village a fermé l'an dernier : plus jamais ça.", "", ""]  # fmt: skip


@transaction.atomic
def build_campaign(section, *, page_under, authors, keywords, body, now: dt.datetime):
    """The campaign article under ``section`` with its petition (created or updated; the demo's
    signatures are added once). ``page_under`` is the demo builder's page helper."""
    from redac.news.models import ArticlePage

    article = page_under(
        section, ArticlePage, SLUG, title="Un guichet dans chaque gare",
        surtitre="Campagne", soustitre="Signez la pétition pour les guichets des gares régionales",
        chapo="Les guichets ferment les uns après les autres. Demandons ensemble qu'une personne "
              "nous accueille dans chaque gare.",
        descriptif="Notre pétition au conseil régional : une présence humaine dans chaque gare.",
        body=body(
            "Depuis deux ans, un guichet sur trois a fermé dans les gares de la région. "
            "Notre enquête l'a montré : ce sont d'abord les personnes âgées et celles qui n'ont "
            "pas Internet qui renoncent au train.\n\n"
            "{{{Ce que nous demandons}}}\n\n"
            "Un moratoire sur les fermetures, et une présence humaine dans chaque gare de plus de "
            "300 voyageurs par jour. Signez la pétition ci-dessous : nous la remettrons au conseil "
            "régional avec toutes vos signatures."
        ),
        date=now - dt.timedelta(days=8), authors=authors, keywords=keywords, visits=2315,
    )  # fmt: skip
    petition, _created = Petition.objects.update_or_create(
        page=article,
        defaults={"text": TEXT, "goal": GOAL, "closes_at": now + dt.timedelta(days=60),
                  "list_public": True, "message_allowed": True, "one_per_email": True},
    )  # fmt: skip
    if not petition.signatures.exists():
        start = now - dt.timedelta(days=7)
        people = []
        for n in range(SIGNATURES):
            city, postcode = CITIES[n % len(CITIES)]
            at = start + dt.timedelta(seconds=n * 7 * 86400 // SIGNATURES)
            email = f"signataire{n}@example.org"
            people.append(Signature(
                petition=petition, status=Signature.Status.CONFIRMED,
                name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n * 7 % len(LAST_NAMES)]}",
                email=email, email_domain="example.org", email_key=email, city=city,
                postcode=postcode, message=MESSAGES[n % len(MESSAGES)], created_at=at,
                consented_at=at, confirmed_at=at + dt.timedelta(minutes=5),
                consent_text="(démonstration)",
            ))  # fmt: skip
        Signature.objects.bulk_create(people, batch_size=1000)
    Petition.objects.filter(pk=petition.pk).update(
        signature_count=petition.signatures.confirmed().count()
    )
    return article
