"""A fixed French corpus for the search quality test: generated articles, added to the demo.

Deterministic: same titles, texts and dates on every run, so expected results never drift.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# (slug, section slug, title, chapo, body, days ago)
ARTICLES = [
    ("reforme-retraites", "actualite", "Réforme des retraites : ce qui change en 2027",
     "L'âge légal recule encore ; les carrières longues restent mal protégées.",
     "Le gouvernement présente sa réforme. Les pensions des retraités modestes seront revalorisées "
     "de 2 %. Les syndicats appellent à manifester.", 3),
    ("etats-unis-douane", "international", "Les États-Unis relèvent leurs droits de douane",
     "Washington taxe l'acier et l'aluminium européens.",
     "Les exportateurs français s'inquiètent. Les droits passent de 10 à 25 % dès le mois "
     "prochain, annonce le département du Commerce américain.", 4),
    ("hopital-urgences", "actualite", "Hôpital public : les urgences saturées cet hiver",
     "Des patients attendent plus de douze heures sur des brancards.",
     "Le personnel soignant alerte depuis des mois. Faute de lits, les services d'urgence "
     "ferment la nuit dans trois hôpitaux du département.", 5),
    ("ecole-maternelle", "actualite", "L'école maternelle manque d'enseignants",
     "Dans quinze classes, aucun remplaçant n'a été trouvé depuis la rentrée.",
     "Les parents d'élèves organisent une journée école morte. Le rectorat promet des "
     "recrutements de contractuels.", 6),
    ("electricite-prix", "actualite", "Électricité : le prix du kilowattheure augmente",
     "La facture moyenne d'un ménage grimpera de 120 euros par an.",
     "Le tarif réglementé augmente au 1er février. Les associations de consommateurs dénoncent "
     "une hausse injuste pour les foyers chauffés à l'électricité.", 7),
    ("forets-secheresse", "actualite", "Forêts : la sécheresse menace les chênes",
     "Les forestiers constatent un dépérissement rapide des peuplements.",
     "Trois étés secs ont affaibli les arbres. Les chênes pédonculés sont les plus touchés, "
     "selon l'Office national des forêts.", 8),
    ("greve-cheminots", "actualite", "Grève des cheminots : trafic très perturbé jeudi",
     "Un TER sur trois circulera dans la région.",
     "Les syndicats de conducteurs protestent contre la suppression de postes de contrôleurs.", 1),
    ("velo-villes", "actualite", "Le vélo gagne du terrain dans les villes moyennes",
     "Les pistes cyclables ont doublé en cinq ans.",
     "Les cyclistes réclament des parkings sécurisés près des gares.", 9),
    ("agriculture-aides", "actualite", "Agriculture biologique : les aides régionales baissent",
     "Les exploitants convertis craignent pour leur trésorerie.",
     "La région réduit de moitié l'aide au maintien. Les maraîchers dénoncent un signal négatif.",
     10),
    ("logement-social", "actualite", "Logement social : 3 000 demandes en attente",
     "Les familles attendent en moyenne quatre ans une attribution.",
     "Le bailleur public manque de terrains. Les élus promettent 400 constructions neuves.", 11),
    ("festival-theatre", "culture", "Festival de théâtre : une édition record",
     "Quarante mille spectateurs ont assisté aux représentations.",
     "Les compagnies amateurs ont joué dans les villages. La troupe invitée a fait salle comble.",
     12),
    ("numerique-seniors", "actualite", "Numérique : la fracture persiste chez les seniors",
     "Un tiers des plus de 75 ans n'utilise jamais Internet.",
     "Les démarches administratives en ligne excluent les personnes âgées. Des ateliers gratuits "
     "sont proposés en mairie.", 13),
    ("canicule-salles", "actualite", "Canicule : les communes ouvrent des salles rafraîchies",
     "Les personnes isolées sont appelées chaque jour par les services sociaux.",
     "Le plan chaleur est déclenché. Les piscines ferment plus tard.", 14),
    ("elections-municipales", "actualite", "Élections municipales : le calendrier est fixé",
     "Le premier tour aura lieu en mars.",
     "Les listes doivent être déposées en préfecture six semaines avant le scrutin.", 15),
    ("peche-bretagne", "actualite", "Pêche artisanale : les quotas contestés en Bretagne",
     "Les petits bateaux se disent sacrifiés.",
     "Les marins pêcheurs bloquent le port. Les quotas de sole sont réduits de 30 %.", 16),
    ("royaume-uni-peche", "international", "Le Royaume-Uni et l'Union européenne renégocient",
     "Les accords sur les eaux territoriales arrivent à échéance.",
     "Londres veut récupérer ses zones de pêche. Bruxelles demande des compensations.", 17),
    ("sante-mentale", "actualite", "Santé mentale des étudiants : un rapport alarmant",
     "Un étudiant sur cinq déclare des symptômes dépressifs.",
     "Les services universitaires de médecine manquent de psychologues.", 18),
    ("creches-places", "actualite", "Crèches : pénurie de places d'accueil",
     "Mille familles n'ont pas trouvé de mode de garde.",
     "Les assistantes maternelles partent à la retraite sans être remplacées.", 19),
    ("oeuvres-benin", "international", "Vingt-six œuvres d'art restituées au Bénin",
     "Les trésors d'Abomey sont rentrés à Cotonou.",
     "Le musée expose les statues royales. Les restitutions se poursuivront.", 20),
    ("cooperatives-emploi", "actualite", "Coopératives : l'économie sociale et solidaire recrute",
     "Les SCOP créent des emplois non délocalisables.",
     "Les salariés associés détiennent la majorité du capital.", 21),
    ("kerosene-taxe", "international", "Transport aérien : faut-il taxer le kérosène ?",
     "Le carburant des avions échappe toujours à l'impôt.",
     "Plusieurs pays proposent une taxe européenne sur les vols intérieurs.", 22),
    ("mutuelles-cotisations", "actualite", "Mutuelles : les cotisations s'envolent",
     "Les complémentaires santé augmentent de 8 % en moyenne.",
     "Les retraités sont les plus touchés car leurs contrats sont individuels.", 23),
    ("langues-regionales", "culture", "Langues régionales : le breton et l'occitan à l'école",
     "Les écoles immersives accueillent davantage d'élèves.",
     "Les parents plébiscitent l'enseignement bilingue dès la maternelle.", 24),
    ("jardins-partages", "culture", "Jardins partagés : la ville ouvre dix nouvelles parcelles",
     "Les habitants cultivent fruits et légumes au pied des immeubles.",
     "Des composteurs collectifs seront installés au printemps.", 25),
]  # fmt: skip

# (query, expected URL of the first result): plural/singular, accents, case, hyphens, œ, demo items.
QUERIES = [
    ("retraite", "/actualite/reforme-retraites/"),
    ("reforme", "/actualite/reforme-retraites/"),
    ("RÉFORME DES RETRAITES", "/actualite/reforme-retraites/"),
    ("Etats-Unis", "/actualite/international/etats-unis-douane/"),
    ("etats unis douane", "/actualite/international/etats-unis-douane/"),
    ("droits de douane", "/actualite/international/etats-unis-douane/"),
    ("hopital", "/actualite/hopital-urgences/"),
    ("urgence", "/actualite/hopital-urgences/"),
    ("ecole maternelle", "/actualite/ecole-maternelle/"),
    ("enseignant", "/actualite/ecole-maternelle/"),
    ("electricite", "/actualite/electricite-prix/"),
    ("kilowattheures", "/actualite/electricite-prix/"),
    ("secheresse", "/actualite/forets-secheresse/"),
    ("chene", "/actualite/forets-secheresse/"),
    ("greve des cheminots", "/actualite/greve-cheminots/"),
    ("velos", "/actualite/velo-villes/"),
    ("loyer", "/actualite/loyers-encadrement/"),
    ("agriculture biologique", "/actualite/agriculture-aides/"),
    ("logement social", "/actualite/logement-social/"),
    ("theatre", "/culture/festival-theatre/"),
    ("fracture numerique", "/actualite/numerique-seniors/"),
    ("canicule", "/actualite/canicule-salles/"),
    ("elections municipales", "/actualite/elections-municipales/"),
    ("peche artisanale", "/actualite/peche-bretagne/"),
    ("royaume uni", "/actualite/international/royaume-uni-peche/"),
    ("sante mentale", "/actualite/sante-mentale/"),
    ("creche", "/actualite/creches-places/"),
    ("oeuvres restituees", "/actualite/international/oeuvres-benin/"),
    ("Bénin", "/actualite/international/oeuvres-benin/"),
    ("économie sociale et solidaire", "/actualite/cooperatives-emploi/"),
    ("kerosene", "/actualite/international/kerosene-taxe/"),
    ("mutuelle cotisations", "/actualite/mutuelles-cotisations/"),
    ("langue regionale", "/culture/langues-regionales/"),
    ("jardin partage", "/culture/jardins-partages/"),
    # The demo content.
    ("gares de proximite", "/actualite/gares-de-proximite/"),
    ("encadrement des loyers", "/actualite/loyers-encadrement/"),
    ("bibliotheques le dimanche", "/culture/bibliotheques-dimanche/"),
    ("regies publiques de l'eau", "/actualite/international/europe-services-publics/"),
    ("petition guichets", "/actualite/breves/petition-guichets/"),
    ("assemblee generale", "/actualite/breves/assemblee-generale/"),
    ("Claire Fontaine", "/auteurs/claire-fontaine/"),
    ("international", "/actualite/international/"),
]


def build_corpus(now: dt.datetime | None = None) -> dict:
    from redac.news.models import ArticlePage, Author, SectionPage

    now = now or timezone.now()
    sections = {s.slug: s for s in SectionPage.objects.all()}
    author = Author.objects.get(import_ref="demo:auteur:redaction")
    pages = {}
    for slug, section, title, chapo, body, days in ARTICLES:
        page = ArticlePage(slug=slug, title=title, chapo=chapo, body=[("spip", body)],
                           date=now - dt.timedelta(days=days))  # fmt: skip
        sections[section].add_child(instance=page)
        page.author_links = [page.author_links.model(author=author, sort_order=0)]
        page.save_revision().publish()
        pages[slug] = page
    return pages
