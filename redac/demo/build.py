"""The demo site built by ``redac demo``: a small, complete newsroom in the project's own words.

Idempotent: every object has a stable key (page slugs under the home page, ``import_ref`` values
"demo:..." on snippets), so a second run updates what the first created and creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from redac.agenda.demo import build_agenda
from redac.core.models import SiteIdentity
from redac.flash.models import CampaignBanner, FlashItem
from redac.news.models import (
    ArticlePage,
    Author,
    BreveIndexPage,
    BrevePage,
    HomePage,
    Keyword,
    KeywordGroup,
    SectionPage,
    StandardPage,
)
from redac.petitions.demo import build_campaign

SITE_NAME = "L'Horizon commun"
TAGLINE = (
    "L'Horizon commun est une association d'éducation populaire qui défend l'accès de tous "
    "aux services publics, à la culture et à une information libre. Nous publions ici nos analyses, "
    "nos communiqués et l'agenda de nos actions : lisez-les, discutez-les, rejoignez-nous !"
)

AUTHORS = [
    ("demo:auteur:redaction", "La rédaction", Author.Kind.COLLECTIVE,
     "L'équipe de bénévoles qui fait vivre ce site."),
    ("demo:auteur:claire", "Claire Fontaine", Author.Kind.PERSON,
     "Claire suit les questions de logement et de transports pour l'association."),
    ("demo:auteur:yacine", "Yacine Morel", Author.Kind.PERSON,
     "Yacine coordonne le groupe « Europe et international »."),
]  # fmt: skip

KEYWORDS = {
    ("demo:groupe:themes", "Thèmes"): [
        "Services publics",
        "Transports",
        "Logement",
        "Culture",
        "Démocratie",
    ],
    ("demo:groupe:pays", "Pays"): ["France", "Allemagne", "Italie"],
}

ARTICLES = [
    {
        "slug": "gares-de-proximite",
        "section": "actualite",
        "title": "Les gares de proximité ne sont pas un luxe",
        "surtitre": "Transports",
        "soustitre": "Ce que révèle notre enquête auprès de 400 usagers",
        "chapo": "Trois mois d'enquête, quarante communes visitées : la fermeture des guichets "
        "éloigne d'abord ceux qui n'ont pas de voiture.",
        "spip": (
            "Nous avons rencontré des usagers dans quarante communes de la région. "
            "Leur constat est simple : « sans guichet, on ne sait plus à qui demander ».\n\n"
            "{{{Ce que disent les chiffres}}}\n\n"
            "Sur 400 personnes interrogées, 62 % prennent le train au moins une fois par semaine ; "
            "un tiers d'entre elles n'ont pas d'accès régulier à Internet[[Enquête menée de mars à "
            "mai auprès de 400 usagers, par questionnaire papier.]].\n\n"
            "-* la fermeture d'un guichet allonge en moyenne le trajet de 25 minutes ;\n"
            "-* les distributeurs automatiques sont en panne une fois sur cinq ;\n"
            "-* les personnes âgées renoncent plus souvent au voyage.\n\n"
            "{{{Nos propositions}}}\n\n"
            "Nous demandons un moratoire sur les fermetures et une présence humaine dans chaque gare "
            "de plus de 300 voyageurs par jour. Lire aussi [notre dossier sur les services "
            "publics->https://example.org/dossier]."
        ),
        "keywords": ["Services publics", "Transports", "France"],
        "authors": ["demo:auteur:claire", "demo:auteur:redaction"],
        "days_ago": 2,
        "visits": 1287,
    },
    {
        "slug": "loyers-encadrement",
        "section": "actualite",
        "title": "Encadrement des loyers : un premier bilan encourageant",
        "surtitre": "Logement",
        "chapo": "Deux ans après sa mise en place, la mesure a freiné les hausses sans vider le "
        "marché, contrairement à ce qu'annonçaient ses détracteurs.",
        "spip": (
            "Les chiffres publiés cette semaine par l'observatoire local sont clairs : les loyers "
            "des nouveaux baux ont augmenté de 1,2 % en moyenne, contre 4,8 % dans les villes "
            "voisines.\n\n"
            "Pourtant, les dépassements restent nombreux : près d'une annonce sur quatre affiche "
            "un loyer supérieur au plafond. {L'information des locataires} reste donc la priorité.\n\n"
            "<quote>Un droit que personne ne connaît n'est pas un droit.</quote>\n\n"
            "Nous tiendrons une permanence juridique gratuite chaque samedi matin."
        ),
        "keywords": ["Logement", "France"],
        "authors": ["demo:auteur:claire"],
        "days_ago": 6,
        "visits": 842,
    },
    {
        "slug": "bibliotheques-dimanche",
        "section": "culture",
        "title": "Ouvrir les bibliothèques le dimanche ? Oui, mais pas n'importe comment",
        "surtitre": "Culture",
        "chapo": "L'extension des horaires est une bonne nouvelle si elle s'accompagne "
        "d'embauches.",
        "spip": (
            "La proposition revient à chaque budget : ouvrir les bibliothèques municipales le "
            "dimanche. Nous y sommes favorables, à trois conditions.\n\n"
            "-# des postes créés, pas des heures supplémentaires imposées ;\n"
            "-# une programmation pensée avec les habitants ;\n"
            "-# un bilan public au bout d'un an.\n\n"
            "Le conseil municipal en débattra le 14 à 18 h 30 ; la séance est publique."
        ),
        "keywords": ["Culture", "Services publics"],
        "authors": ["demo:auteur:redaction"],
        "days_ago": 9,
        "visits": 315,
    },
    {
        "slug": "europe-services-publics",
        "section": "international",
        "title": "En Allemagne et en Italie, des régies publiques de l'eau qui fonctionnent",
        "surtitre": "Europe",
        "chapo": "Berlin a repris la gestion de son eau en 2013 ; Naples l'avait fait deux ans "
        "plus tôt. Retour sur deux expériences.",
        "spip": (
            "Le retour en régie n'est pas une utopie : plusieurs grandes villes européennes l'ont "
            "fait, et leurs usagers paient aujourd'hui moins cher qu'avant.\n\n"
            "| {{Ville}} | {{Année}} | {{Évolution du prix}} |\n"
            "| Berlin | 2013 | -15 % |\n"
            "| Naples | 2011 | -8 % |\n\n"
            "Ces chiffres viennent des rapports annuels des deux régies."
        ),
        "keywords": ["Services publics", "Allemagne", "Italie"],
        "authors": ["demo:auteur:yacine"],
        "days_ago": 14,
        "visits": 96,
    },
]

BREVES = [
    ("permanence-samedi", "Permanence logement : tous les samedis de 10 h à 12 h",
     "Notre permanence juridique reprend ce samedi. Venez avec votre bail et vos dernières "
     "quittances : nous vous aiderons à vérifier si votre loyer respecte le plafond.", 0, 57,
     ["Logement"]),
    ("petition-guichets", "Pétition pour les guichets : 5 000 signatures en une semaine",
     "Merci ! La pétition « Un guichet dans chaque gare » a passé le cap des 5 000 signatures. "
     "Nous la remettrons au conseil régional le mois prochain.\n\nVous pouvez encore la signer et "
     "la faire circuler autour de vous.", 1, 842, ["Transports", "Services publics"]),
    ("assemblee-generale", "Assemblée générale : l'ordre du jour est en ligne",
     "L'assemblée générale annuelle se tiendra le premier samedi du mois prochain. "
     "L'ordre du jour, le rapport moral et le rapport financier sont disponibles sur demande.",
     3, 120, ["Démocratie"]),
    ("festival-livre", "Festival du livre social : appel à bénévoles",
     "Le festival aura lieu du 12 au 14 ; il nous manque encore une vingtaine de bénévoles pour "
     "l'accueil et les stands. Écrivez-nous !", 5, 64, ["Culture"]),
    ("tarifs-transports", "Tarifs des transports : la hausse reportée",
     "La hausse de 7 % prévue en janvier est reportée de six mois. C'est une première victoire "
     "pour les associations d'usagers, qui demandaient un gel.", 8, 401,
     ["Transports", "France"]),
]  # fmt: skip

FLASHES = [
    ("demo:flash:1", "La pétition pour les guichets dépasse 5 000 signatures",
     "petition-guichets", 0),
    ("demo:flash:2", "Permanence logement ce samedi de 10 h à 12 h", "permanence-samedi", 1),
    ("demo:flash:3", "Hausse des tarifs de transport : reportée de six mois !",
     "tarifs-transports", 2),
]  # fmt: skip


def _page_under(
    parent: Page, model, slug: str, *, authors=None, keywords=None, visits=None, **fields
):
    """The child of ``parent`` with this slug, created or updated, published (with its byline and
    keywords in the published revision, as an editor would have saved them)."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        page = existing.specific
        for name, value in fields.items():
            setattr(page, name, value)
    else:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    if authors is not None:
        link_model = page.author_links.model
        page.author_links = [link_model(author=author, sort_order=order)
                             for order, author in enumerate(authors)]  # fmt: skip
    if keywords is not None:
        page.keywords = keywords
    page.save_revision().publish()
    if visits is not None:
        model.objects.filter(pk=page.pk).update(visit_count=visits)
    return model.objects.get(pk=page.pk)


def _contact_page(home):
    """The « Contactez-nous ! » page: a ContactPage with three subjects (an older demo's plain
    StandardPage at the same address is replaced)."""
    from redac.contact.models import ContactPage, ContactSubject

    old = home.get_children().filter(slug="contact").first()
    if old is not None and not isinstance(old.specific, ContactPage):
        old.delete()
    subjects = [
        ContactSubject(label=label, recipients=address, sort_order=order)
        for order, (label, address) in enumerate(
            [("Presse", "presse@example.org"), ("Adhésion", "adhesion@example.org"),
             ("Webmestre", "webmestre@example.org")]
        )
    ]  # fmt: skip
    return _page_under(
        home, ContactPage, "contact", title="Contact", show_in_menus=False, subjects=subjects,
        intro="<p>Une question, une proposition, envie de nous rejoindre ? Écrivez-nous.</p>"
        "<p>Par courrier : L'Horizon commun, 12 rue des Lilas, 75020 Paris. "
        "Permanence : le samedi de 10 h à 12 h.</p>",
    )  # fmt: skip


def _spip_body(text: str):
    return [("spip", text)]


def site_address() -> tuple[str, int]:
    """(hostname, port) of REDAC_SITE_URL, as Wagtail's Site stores them."""
    from urllib.parse import urlsplit

    from django.conf import settings

    url = urlsplit(settings.SITE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


@transaction.atomic
def build_demo(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()

    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="Accueil", slug="accueil", intro="")
        root.add_child(instance=home)
        home.save_revision().publish()
    home = home.specific
    if site is None:
        site = Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        # Wagtail's first migration points the site at a placeholder "Welcome" page: replace it.
        placeholder = site.root_page
        site.root_page = home
        site.save()
        if type(placeholder.specific) is Page and not placeholder.get_children().exists():
            placeholder.delete()
    site.site_name = SITE_NAME
    # Wagtail's absolute links (``page.full_url``: notification mails, « voir en ligne ») come
    # from the Site's hostname and port: the demo's are those of REDAC_SITE_URL.
    site.hostname, site.port = site_address()
    site.save()

    authors = {}
    for ref, name, kind, bio in AUTHORS:
        authors[ref], _ = Author.objects.update_or_create(
            import_ref=ref, defaults={"name": name, "kind": kind, "bio": bio}
        )
    keywords = {}
    for (ref, group_name), names in KEYWORDS.items():
        group, _ = KeywordGroup.objects.update_or_create(import_ref=ref,
                                                         defaults={"name": group_name})  # fmt: skip
        for name in names:
            keywords[name], _ = Keyword.objects.update_or_create(
                import_ref=f"{ref}:{name}", defaults={"name": name, "group": group}
            )

    actualite = _page_under(home, SectionPage, "actualite", title="Actualité", show_in_menus=True,
                            descriptif="Nos analyses et nos prises de position.")  # fmt: skip
    international = _page_under(actualite, SectionPage, "international", title="International",
                                show_in_menus=True,
                                descriptif="Ce qui se passe ailleurs, et ce que nous en "
                                           "apprenons.")  # fmt: skip
    culture = _page_under(home, SectionPage, "culture", title="Culture", show_in_menus=True,
                          descriptif="Livres, festivals, éducation populaire.")  # fmt: skip
    breves_listing = _page_under(actualite, BreveIndexPage, "breves", title="Brèves",
                                 intro="L'actualité de l'association en quelques lignes.")  # fmt: skip
    sections = {"actualite": actualite, "international": international, "culture": culture}

    contact = _contact_page(home)
    legal = _page_under(
        home, StandardPage, "mentions-legales", title="Mentions légales", show_in_menus=False,
        body=_spip_body(
            "{{Éditeur :}} L'Horizon commun, association loi de 1901.\n\n"
            "{{Directrice de la publication :}} la présidente de l'association.\n\n"
            "{{Hébergement :}} à compléter par l'administrateur du site.\n\n"
            "Ce site ne dépose aucun cookie de mesure d'audience."
        ),
    )  # fmt: skip

    for index, data in enumerate(ARTICLES):
        page = _page_under(
            sections[data["section"]], ArticlePage, data["slug"],
            title=data["title"], surtitre=data.get("surtitre", ""),
            soustitre=data.get("soustitre", ""), chapo=data.get("chapo", ""),
            descriptif=data.get("chapo", ""), body=_spip_body(data["spip"]),
            date=now - dt.timedelta(days=data["days_ago"], hours=index),
            authors=[authors[ref] for ref in data["authors"]],
            keywords=[keywords[name] for name in data["keywords"]], visits=data["visits"],
        )  # fmt: skip

    breves = {}
    for index, (slug, title, text, days_ago, visits, kw) in enumerate(BREVES):
        page = _page_under(
            breves_listing, BrevePage, slug, title=title, body=_spip_body(text),
            date=now - dt.timedelta(days=days_ago, hours=index),
            authors=[authors["demo:auteur:redaction"]], keywords=[keywords[name] for name in kw],
            visits=visits,
        )  # fmt: skip
        breves[slug] = page

    campaign = build_campaign(
        actualite, page_under=_page_under, authors=[authors["demo:auteur:redaction"]],
        keywords=[keywords["Transports"], keywords["Services publics"]], body=_spip_body, now=now,
    )  # fmt: skip

    for ref, title, slug, days_ago in FLASHES:
        _publish_snippet(FlashItem, ref, title=title, link_page=breves[slug],
                         date=now - dt.timedelta(days=days_ago))  # fmt: skip
    _publish_snippet(
        CampaignBanner, "demo:campagne",
        title="La campagne « Un guichet dans chaque gare »",
        text="Signez la pétition et venez au rassemblement régional.",
        link_page=campaign,
        starts_at=now - dt.timedelta(days=7), ends_at=now + dt.timedelta(days=365),
    )  # fmt: skip

    # issue 21: « l'agenda de nos actions », at /agenda/
    build_agenda(home, sections, keywords, [authors["demo:auteur:redaction"]], now=now)

    identity = SiteIdentity.for_site(site)
    identity.name, identity.tagline = SITE_NAME, TAGLINE
    identity.contact_page, identity.legal_page = contact, legal
    identity.save()
    return demo_objects()


def demo_objects() -> dict:
    """The demo's main objects, looked up (for tests and the command's report)."""
    home = HomePage.objects.get()
    listing = BreveIndexPage.objects.get(slug="breves")
    breves = {page.slug: page for page in BrevePage.objects.child_of(listing)}
    site = Site.objects.get(root_page=home)
    return {"home": home, "breves": breves, "site": site}


def _publish_snippet(model, ref: str, **fields):
    obj = model.objects.filter(import_ref=ref).first() or model(import_ref=ref)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    obj.save_revision().publish()
    return obj


def ensure_admin(username: str = "admin", *, reset_password: bool = True) -> str | None:
    """Create (or reset) the demo administrator with a random password, returned to print once.
    There is never a fixed default account (security case 53)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None and not reset_password:
        return None
    password = secrets.token_urlsafe(12)
    if user is None:
        user = User(username=username, email=f"{username}@example.org", first_name="Admin",
                    is_staff=True, is_superuser=True)  # fmt: skip
    user.set_password(password)
    user.save()
    return password
