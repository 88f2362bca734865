"""Build SPIP-shaped databases for tests and benchmarks, without SPIP and without ../shared.

The tables follow SPIP's documented definitions (``ecrire/base/serial.php`` and
``auxiliaires.php``): SPIP 4 with its generic link tables ``spip_*_liens`` and logos stored as
documents (mode ``logoon``); SPIP 2 with one link table per pair (``spip_auteurs_articles``,
``spip_mots_breves``...), forums with one column per parent type, logos as ``IMG/arton2.png``
files. Only the columns the importer may read are created, with SPIP's names and defaults.

The same DDL runs on SQLite and on MySQL/MariaDB (types both accept), so the MariaDB test loads
exactly what the SQLite tests read.

``SiteSpec()`` gives a small site shaped like the SPIP reference site (6 rubriques, 21 published
articles + a draft + a proposed one, 20 brèves, 5 authors, 2 groups / 10 keywords, 1 document and
2 logos, 3 forum messages) plus the awkward cases an importer must survive: a redirect article, a
translation pair, a hostile title, a ``javascript:`` link, a document path leaving ``IMG/``, a
link to a missing article.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SPIP4_VERSION = "2022022303"
SPIP2_VERSION = "15375"  # SPIP 2.1

COLUMNS = {
    "meta": "nom VARCHAR(255) NOT NULL PRIMARY KEY, valeur TEXT, impt VARCHAR(3) DEFAULT 'oui'",
    "rubriques": (
        "id_rubrique BIGINT NOT NULL PRIMARY KEY, id_parent BIGINT DEFAULT 0 NOT NULL, "
        "titre TEXT NOT NULL, descriptif TEXT NOT NULL, texte TEXT NOT NULL, "
        "id_secteur BIGINT DEFAULT 0 NOT NULL, statut VARCHAR(10) DEFAULT '0' NOT NULL, "
        "date DATETIME, lang VARCHAR(10) DEFAULT '' NOT NULL"
    ),
    "articles": (
        "id_article BIGINT NOT NULL PRIMARY KEY, surtitre TEXT NOT NULL, titre TEXT NOT NULL, "
        "soustitre TEXT NOT NULL, id_rubrique BIGINT DEFAULT 0 NOT NULL, descriptif TEXT NOT NULL, "
        "chapo TEXT NOT NULL, texte TEXT NOT NULL, ps TEXT NOT NULL, date DATETIME, "
        "statut VARCHAR(10) DEFAULT '0' NOT NULL, id_secteur BIGINT DEFAULT 0 NOT NULL, "
        "date_redac DATETIME, visites INTEGER DEFAULT 0 NOT NULL, "
        "popularite DOUBLE PRECISION DEFAULT 0 NOT NULL, accepter_forum CHAR(3) DEFAULT '' NOT NULL, "
        "date_modif DATETIME, lang VARCHAR(10) DEFAULT '' NOT NULL, "
        "id_trad BIGINT DEFAULT 0 NOT NULL, nom_site TEXT NOT NULL, url_site TEXT NOT NULL"
    ),
    "breves": (
        "id_breve BIGINT NOT NULL PRIMARY KEY, date_heure DATETIME, titre TEXT NOT NULL, "
        "texte TEXT NOT NULL, lien_titre TEXT NOT NULL, lien_url TEXT NOT NULL, "
        "statut VARCHAR(6) DEFAULT '0' NOT NULL, id_rubrique BIGINT DEFAULT 0 NOT NULL, "
        "lang VARCHAR(10) DEFAULT '' NOT NULL"
    ),
    "auteurs": (
        "id_auteur BIGINT NOT NULL PRIMARY KEY, nom TEXT NOT NULL, bio TEXT NOT NULL, "
        "email TEXT NOT NULL, nom_site TEXT NOT NULL, url_site TEXT NOT NULL, "
        "login VARCHAR(255), pass TEXT NOT NULL, statut VARCHAR(255) DEFAULT '0' NOT NULL, "
        "webmestre VARCHAR(3) DEFAULT 'non' NOT NULL, lang VARCHAR(10) DEFAULT '' NOT NULL"
    ),
    "groupes_mots": (
        "id_groupe BIGINT NOT NULL PRIMARY KEY, titre TEXT NOT NULL, descriptif TEXT NOT NULL, "
        "texte TEXT NOT NULL, unseul VARCHAR(3) DEFAULT '' NOT NULL, "
        "tables_liees TEXT NOT NULL"
    ),
    "mots": (
        "id_mot BIGINT NOT NULL PRIMARY KEY, titre TEXT NOT NULL, descriptif TEXT NOT NULL, "
        "texte TEXT NOT NULL, id_groupe BIGINT DEFAULT 0 NOT NULL, type TEXT NOT NULL"
    ),
    "documents": (
        "id_document BIGINT NOT NULL PRIMARY KEY, id_vignette BIGINT DEFAULT 0 NOT NULL, "
        "extension VARCHAR(10) DEFAULT '' NOT NULL, titre TEXT NOT NULL, date DATETIME, "
        "descriptif TEXT NOT NULL, fichier TEXT NOT NULL, taille BIGINT, largeur INTEGER, "
        "hauteur INTEGER, mode VARCHAR(10) DEFAULT 'document' NOT NULL, "
        "distant VARCHAR(3) DEFAULT 'non'"
    ),
    "urls": (
        "id_parent BIGINT DEFAULT 0 NOT NULL, url VARCHAR(255) NOT NULL, "
        "type VARCHAR(25) DEFAULT 'article' NOT NULL, id_objet BIGINT NOT NULL, date DATETIME, "
        "PRIMARY KEY (id_parent, url)"
    ),
    "visites": "date DATE NOT NULL PRIMARY KEY, visites INTEGER DEFAULT 0 NOT NULL",
    "visites_articles": (
        "date DATE NOT NULL, id_article INTEGER NOT NULL, visites INTEGER DEFAULT 0 NOT NULL, "
        "PRIMARY KEY (date, id_article)"
    ),
    "referers": (
        "referer_md5 BIGINT NOT NULL PRIMARY KEY, date DATE NOT NULL, referer VARCHAR(255), "
        "visites INTEGER NOT NULL, visites_jour INTEGER NOT NULL, visites_veille INTEGER NOT NULL"
    ),
    "referers_articles": (
        "id_article INTEGER NOT NULL, referer_md5 BIGINT NOT NULL, referer VARCHAR(255) NOT NULL, "
        "visites INTEGER NOT NULL, PRIMARY KEY (id_article, referer_md5)"
    ),
}
SPIP4_ONLY = {
    "articles": ", virtuel TEXT NOT NULL",
    "documents": ", credits TEXT NOT NULL, alt TEXT NOT NULL, media VARCHAR(10) DEFAULT 'file' NOT NULL",
    "forum": (
        "id_forum BIGINT NOT NULL PRIMARY KEY, id_objet BIGINT DEFAULT 0 NOT NULL, "
        "objet VARCHAR(25) DEFAULT '' NOT NULL, id_parent BIGINT DEFAULT 0 NOT NULL, "
        "id_thread BIGINT DEFAULT 0 NOT NULL, date_heure DATETIME, titre TEXT NOT NULL, "
        "texte TEXT NOT NULL, auteur TEXT NOT NULL, email_auteur TEXT NOT NULL, "
        "nom_site TEXT NOT NULL, url_site TEXT NOT NULL, statut VARCHAR(8) DEFAULT '0' NOT NULL, "
        "ip VARCHAR(40) DEFAULT '' NOT NULL, id_auteur BIGINT DEFAULT 0 NOT NULL"
    ),
    "auteurs_liens": (
        "id_auteur BIGINT DEFAULT 0 NOT NULL, id_objet BIGINT DEFAULT 0 NOT NULL, "
        "objet VARCHAR(25) DEFAULT '' NOT NULL, vu VARCHAR(6) DEFAULT 'non' NOT NULL, "
        "PRIMARY KEY (id_auteur, id_objet, objet)"
    ),
    "mots_liens": (
        "id_mot BIGINT DEFAULT 0 NOT NULL, id_objet BIGINT DEFAULT 0 NOT NULL, "
        "objet VARCHAR(25) DEFAULT '' NOT NULL, PRIMARY KEY (id_mot, id_objet, objet)"
    ),
    "documents_liens": (
        "id_document BIGINT DEFAULT 0 NOT NULL, id_objet BIGINT DEFAULT 0 NOT NULL, "
        "objet VARCHAR(25) DEFAULT '' NOT NULL, vu VARCHAR(255) DEFAULT 'non' NOT NULL, "
        "rang_lien INTEGER DEFAULT 0 NOT NULL, PRIMARY KEY (id_document, id_objet, objet)"
    ),
}
SPIP2_ONLY = {
    "forum": (
        "id_forum BIGINT NOT NULL PRIMARY KEY, id_parent BIGINT DEFAULT 0 NOT NULL, "
        "id_thread BIGINT DEFAULT 0 NOT NULL, id_rubrique BIGINT DEFAULT 0 NOT NULL, "
        "id_article BIGINT DEFAULT 0 NOT NULL, id_breve BIGINT DEFAULT 0 NOT NULL, "
        "date_heure DATETIME, titre TEXT NOT NULL, texte TEXT NOT NULL, auteur TEXT NOT NULL, "
        "email_auteur TEXT NOT NULL, nom_site TEXT NOT NULL, url_site TEXT NOT NULL, "
        "statut VARCHAR(8) DEFAULT '0' NOT NULL, ip VARCHAR(16) DEFAULT '' NOT NULL, "
        "id_auteur BIGINT DEFAULT 0 NOT NULL, id_syndic BIGINT DEFAULT 0 NOT NULL"
    ),
    "auteurs_articles": "id_auteur BIGINT DEFAULT 0 NOT NULL, id_article BIGINT DEFAULT 0 NOT NULL, PRIMARY KEY (id_auteur, id_article)",
    "auteurs_rubriques": "id_auteur BIGINT DEFAULT 0 NOT NULL, id_rubrique BIGINT DEFAULT 0 NOT NULL, PRIMARY KEY (id_auteur, id_rubrique)",
    "mots_articles": "id_mot BIGINT DEFAULT 0 NOT NULL, id_article BIGINT DEFAULT 0 NOT NULL, PRIMARY KEY (id_article, id_mot)",
    "mots_breves": "id_mot BIGINT DEFAULT 0 NOT NULL, id_breve BIGINT DEFAULT 0 NOT NULL, PRIMARY KEY (id_breve, id_mot)",
    "mots_rubriques": "id_mot BIGINT DEFAULT 0 NOT NULL, id_rubrique BIGINT DEFAULT 0 NOT NULL, PRIMARY KEY (id_rubrique, id_mot)",
    "documents_liens": (
        "id_document BIGINT DEFAULT 0 NOT NULL, id_objet BIGINT DEFAULT 0 NOT NULL, "
        "objet VARCHAR(25) DEFAULT '' NOT NULL, vu VARCHAR(3) DEFAULT 'non' NOT NULL, "
        "PRIMARY KEY (id_document, id_objet, objet)"
    ),
}

RUBRIQUES = [(1, 0, "Actualité"), (2, 1, "International"), (3, 1, "Économie"), (4, 0, "Culture"),
             (5, 4, "Livres"), (6, 0, "À propos")]  # fmt: skip
AUTEURS = [
    (1, "Admin Fixture", "admin", "0minirezo", "oui"),
    (2, "Marie Dupont", "mdupont", "1comite", "non"),
    (3, "Jean Martin", "jmartin", "1comite", "non"),
    (4, "Aïcha Benali", "abenali", "0minirezo", "non"),
    (5, "Lucas Moreau", "lmoreau", "1comite", "non"),
]
GROUPES = [(1, "Thèmes", ["Diplomatie", "Énergie", "Économie", "Littérature", "Environnement",
                          "Numérique"]), (2, "Pays", ["Japon", "Russie", "France", "Allemagne"])]  # fmt: skip
SEED_BREVE = (
    "{{Tokyo et Moscou}} ont annoncé mardi l'ouverture de négociations en vue d'un {partenariat "
    "stratégique} couvrant l'énergie[[Selon le communiqué conjoint.]].\n\nLe texte intégral est "
    "disponible [sur le site du ministère->https://example.org/declaration-conjointe]."
)


@dataclass
class SiteSpec:
    schema: str = "spip4"  # or "spip2"
    articles: int = 23  # the last two are a draft (prepa) and a proposal (prop)
    breves: int = 20
    rubriques: int = 6
    forums: int = 3
    keywords: int = 10
    visit_days: int = 5
    awkward: bool = True  # add the hostile and broken rows
    # what a takeover must keep (issue 18): « voir en ligne », a trashed article and links to it,
    # virtual articles published and not, a removed forum message with a reply, a PDF, a long
    # title without a spip_urls slug (SPIP 4 schema only)
    takeover: bool = False
    seed: int = 4


def png_bytes(width: int = 4, height: int = 3, color=(200, 30, 30)) -> bytes:
    """A valid PNG without Pillow (tests and benchmarks write many)."""
    raw = b"".join(b"\x00" + bytes(color) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF)  # fmt: skip

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))  # fmt: skip


class _Writer:
    def __init__(self, conn, placeholder: str) -> None:
        self.conn = conn
        self.ph = placeholder

    def ddl(self, sql: str) -> None:
        cur = self.conn.cursor()
        cur.execute(sql)

    def insert(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        cols = list(rows[0])
        sql = (f"INSERT INTO spip_{table} ({', '.join(cols)}) "
               f"VALUES ({', '.join([self.ph] * len(cols))})")  # fmt: skip
        cur = self.conn.cursor()
        cur.executemany(sql, [tuple(row[c] for c in cols) for row in rows])


def create_tables(writer: _Writer, schema: str) -> None:
    tables = dict(COLUMNS)
    extra = SPIP4_ONLY if schema == "spip4" else SPIP2_ONLY
    for name, cols in extra.items():
        if name in tables:
            tables[name] = tables[name] + cols
        else:
            tables[name] = cols
    for name, cols in tables.items():
        writer.ddl(f"CREATE TABLE spip_{name} ({cols})")


def _date(n: int) -> str:
    return (dt.datetime(2024, 1, 8, 9, 0) + dt.timedelta(days=5 * n, minutes=59 * n)).strftime(
        "%Y-%m-%d %H:%M:%S")  # fmt: skip


def populate(writer: _Writer, spec: SiteSpec, img_dir: Path | None = None) -> None:
    rnd = random.Random(spec.seed)
    spip4 = spec.schema == "spip4"
    w = writer
    meta = {"version_installee": SPIP4_VERSION if spip4 else SPIP2_VERSION, "charset": "utf-8",
            "nom_site": "La Gazette de démonstration", "adresse_site": "http://127.0.0.1:8080",
            "slogan_site": "Un site SPIP de test", "descriptif_site": "Site de test.",
            "langue_site": "fr", "type_urls": "propres"}  # fmt: skip
    w.insert("meta", [{"nom": k, "valeur": v, "impt": "oui"} for k, v in meta.items()])

    rubriques = list(RUBRIQUES)
    for n in range(len(rubriques) + 1, spec.rubriques + 1):
        rubriques.append((n, rnd.choice([1, 4, 6]), f"Rubrique {n}"))
    rubriques = rubriques[: spec.rubriques]
    sector = {}
    for ident, parent, _title in rubriques:
        sector[ident] = sector.get(parent, ident) if parent else ident
    w.insert("rubriques", [
        {"id_rubrique": i, "id_parent": p, "titre": t, "descriptif": f"Descriptif de {t}.",
         "texte": "Texte de la rubrique." if i == 1 else "", "id_secteur": sector[i],
         "statut": "publie", "date": _date(i), "lang": "fr"} for i, p, t in rubriques
    ])  # fmt: skip
    sectors = [i for i, p, _t in rubriques if p == 0]

    w.insert("auteurs", [
        {"id_auteur": i, "nom": n, "bio": f"Bio de {n}.", "email": f"{login}@example.org",
         "nom_site": "", "url_site": "https://example.org/" + login if i == 2 else "",
         "login": login, "pass": "$2y$10$notarealhash", "statut": s, "webmestre": wm, "lang": ""}
        for i, n, login, s, wm in AUTEURS
    ])  # fmt: skip
    groups, mots = [], []
    mot_id = 0
    for gid, title, names in GROUPES:
        groups.append({"id_groupe": gid, "titre": title, "descriptif": f"Groupe {title}",
                       "texte": "", "unseul": "non", "tables_liees": "articles,breves"})  # fmt: skip
        for name in names:
            mot_id += 1
            mots.append({"id_mot": mot_id, "titre": name, "descriptif": "", "texte": "",
                         "id_groupe": gid, "type": title})  # fmt: skip
    while mot_id < spec.keywords:
        mot_id += 1
        mots.append({"id_mot": mot_id, "titre": f"Mot {mot_id}", "descriptif": "", "texte": "",
                     "id_groupe": 1 + mot_id % 2, "type": ""})  # fmt: skip
    mots = mots[: spec.keywords]
    w.insert("groupes_mots", groups)
    w.insert("mots", mots)

    leaf_rubriques = [i for i, _p, _t in rubriques]
    articles, auteur_links, mot_links, urls = [], [], [], []
    for n in range(1, spec.articles + 1):
        status = "publie"
        if n == spec.articles - 1:
            status = "prepa"
        elif n == spec.articles:
            status = "prop"
        rub = RUBRIQUES[(n - 1) % 6][0] if spec.rubriques <= 6 else rnd.choice(leaf_rubriques)
        title = f"Article numéro {n} : « un titre »"
        texte = (f"Le {{{{gouvernement}}}} a présenté l'article {n}.\n\n"
                 f"{{{{{{Un intertitre}}}}}}\n\n-* un point ;\n-* un autre point.\n\n"
                 f"Voir aussi [l'article précédent->art{max(n - 1, 1)}].")  # fmt: skip
        row = {"id_article": n, "surtitre": "Analyse" if n % 4 == 1 else "", "titre": title,
               "soustitre": "", "id_rubrique": rub, "descriptif": f"Résumé {n}.",
               "chapo": f"{{{{Chapeau {n}.}}}}", "texte": texte, "ps": "", "date": _date(n),
               "statut": status, "id_secteur": sector.get(rub, rub),
               "date_redac": None, "visites": n * 10,
               "popularite": 0.5, "accepter_forum": "pos", "date_modif": _date(n),
               "lang": "fr", "id_trad": 0, "nom_site": "", "url_site": ""}  # fmt: skip
        if spip4:
            row["virtuel"] = ""
        articles.append(row)
        for a in ([2] if n % 3 else [3, 4]) if n > 1 else [2]:
            auteur_links.append((a, n))
        for m in {1 + n % len(mots), 1 + (n * 7) % len(mots)}:
            mot_links.append((m, "article", n))
        urls.append({"id_parent": rub, "url": f"article-numero-{n}", "type": "article",
                     "id_objet": n, "date": _date(n)})  # fmt: skip
    if spec.articles >= 2:
        articles[1]["texte"] = "<doc1|center>\n\n" + articles[1]["texte"]
        mot_links += [(1, "article", 2), (7, "article", 2), (8, "article", 2)]
    breves = []
    for n in range(1, spec.breves + 1):
        breves.append({"id_breve": n, "date_heure": _date(n + 30), "titre": f"Brève {n}",
                       "texte": f"Texte de la brève {n}.", "lien_titre": "", "lien_url": "",
                       "statut": "publie", "id_rubrique": sectors[n % len(sectors)],
                       "lang": "fr"})  # fmt: skip
        urls.append({"id_parent": 0, "url": f"breve-{n}", "type": "breve", "id_objet": n,
                     "date": _date(n)})  # fmt: skip
    if breves:
        breves[0].update(titre="Vers un partenariat stratégique russo-japonais", texte=SEED_BREVE,
                         lien_titre="La déclaration conjointe", id_rubrique=1,
                         lien_url="https://example.org/declaration-conjointe",
                         date_heure="2024-06-18 10:15:00")  # fmt: skip
        mot_links += [(1, "breve", 1), (7, "breve", 1), (8, "breve", 1)]
    urls.append({"id_parent": 0, "url": "actualite", "type": "rubrique", "id_objet": 1,
                 "date": _date(1)})  # fmt: skip
    urls.append({"id_parent": 0, "url": "marie-dupont", "type": "auteur", "id_objet": 2,
                 "date": _date(1)})  # fmt: skip
    urls.append({"id_parent": 0, "url": "japon", "type": "mot", "id_objet": 7, "date": _date(1)})

    if spec.awkward:
        base = len(articles)
        redirect = {**articles[0], "id_article": base + 1, "titre": "Redirection",
                    "statut": "publie", "chapo": "" if spip4 else "=https://example.org/ailleurs",
                    "texte": ""}  # fmt: skip
        if spip4:
            redirect["virtuel"] = "https://example.org/ailleurs"
        hostile = {**articles[0], "id_article": base + 2, "statut": "publie",
                   "titre": "<script>alert(1)</script>Titre <b onmouseover=x>piégé</b>\x07",
                   "texte": "Texte <script>alert(2)</script> [lien->javascript:alert(3)] "
                            "<a href=\"javascript:alert(4)\" onclick=\"x()\">clic</a> "
                            "[perdu->art9999]",
                   "lang": "fr"}  # fmt: skip
        english = {**articles[0], "id_article": base + 3, "statut": "publie", "lang": "en",
                   "titre": "<multi>[fr]Sommet du G20[en]G20 summit</multi>", "id_trad": 1}  # fmt: skip
        articles[0]["id_trad"] = 1
        articles += [redirect, hostile, english]
        if breves:
            breves.append({**breves[-1], "id_breve": len(breves) + 1, "titre": "Brève piégée",
                           "lien_url": "javascript:alert(5)", "lien_titre": "piège",
                           "statut": "publie"})  # fmt: skip
    takeover = spec.takeover and spip4 and spec.articles >= 5
    if takeover:
        base = max(a["id_article"] for a in articles)
        articles[0].update(nom_site="Le sommet officiel", url_site="https://g20.example.org/")
        articles[2]["texte"] += (f"\n\nVoir [->art{base + 1}], [la suite->art{base + 2}] et "
                                 f"[le brouillon->art{base + 3}].")  # fmt: skip
        common = {**articles[0], "nom_site": "", "url_site": "", "texte": "", "chapo": ""}
        articles += [
            {**common, "id_article": base + 1, "titre": "Article jeté", "statut": "poubelle"},
            {**common, "id_article": base + 2, "titre": "Redirection interne", "statut": "publie",
             "virtuel": "art4"},
            {**common, "id_article": base + 3, "titre": "Redirection en brouillon",
             "statut": "prepa", "virtuel": "https://example.org/brouillon"},
            {**common, "id_article": base + 4, "id_rubrique": 5, "statut": "publie",
             "titre": "Les conséquences économiques de la désindustrialisation des vallées "
                      "industrielles du Nord"},
        ]  # fmt: skip
        urls.append({"id_parent": 0, "url": "redirection-en-brouillon", "type": "article",
                     "id_objet": base + 3, "date": _date(1)})  # fmt: skip
    w.insert("articles", articles)
    w.insert("breves", breves)

    if spip4:
        w.insert("auteurs_liens", [{"id_auteur": a, "id_objet": o, "objet": "article", "vu": "non"}
                                   for a, o in auteur_links]
                 + [{"id_auteur": 4, "id_objet": 3, "objet": "rubrique", "vu": "non"}])  # fmt: skip
        w.insert("mots_liens", [{"id_mot": m, "id_objet": o, "objet": t}
                                for m, t, o in sorted(set(mot_links))])  # fmt: skip
    else:
        w.insert("auteurs_articles", [{"id_auteur": a, "id_article": o} for a, o in auteur_links])
        w.insert("auteurs_rubriques", [{"id_auteur": 4, "id_rubrique": 3}])
        w.insert("mots_articles", [{"id_mot": m, "id_article": o}
                                   for m, t, o in sorted(set(mot_links)) if t == "article"])  # fmt: skip
        w.insert("mots_breves", [{"id_mot": m, "id_breve": o}
                                 for m, t, o in sorted(set(mot_links)) if t == "breve"])  # fmt: skip
    w.insert("urls", urls)

    docs = [{"id_document": 1, "id_vignette": 0, "extension": "png",
             "titre": "Carte des îles Kouriles", "date": _date(1),
             "descriptif": "Illustration de démonstration.", "fichier": "png/carte-kouriles.png",
             "taille": 100, "largeur": 4, "hauteur": 3, "mode": "document", "distant": "non"}]  # fmt: skip
    doc_links = [(1, 2, "article")]
    if spip4:
        docs += [
            {**docs[0], "id_document": 2, "titre": "", "descriptif": "", "mode": "logoon",
             "fichier": "logo/fixture-logo.png"},
            {**docs[0], "id_document": 3, "titre": "", "descriptif": "", "mode": "logoon",
             "fichier": "logo/fixture-logo-2.png"},
        ]  # fmt: skip
        doc_links += [(2, 2, "article"), (3, 1, "rubrique")]
    if takeover:
        docs.append({**docs[0], "id_document": 12, "titre": "Rapport annuel", "mode": "document",
                     "fichier": "pdf/rapport-annuel.pdf", "extension": "pdf"})  # fmt: skip
        doc_links.append((12, 3, "article"))
    if spec.awkward:
        docs += [
            {**docs[0], "id_document": 10, "titre": "évasion", "mode": "document",
             "fichier": "../../../etc/passwd", "extension": "txt"},
            {**docs[0], "id_document": 11, "titre": "absent", "mode": "document",
             "fichier": "pdf/absent.pdf", "extension": "pdf"},
        ]  # fmt: skip
    for doc in docs:
        if spip4:
            doc.update(credits="Fixture" if doc["id_document"] == 1 else "", alt="",
                       media="image")  # fmt: skip
    w.insert("documents", docs)
    w.insert("documents_liens", [{"id_document": d, "id_objet": o, "objet": t, "vu": "non"}
                                 for d, o, t in doc_links])  # fmt: skip
    if img_dir is not None and takeover:
        (img_dir / "pdf").mkdir(parents=True, exist_ok=True)
        (img_dir / "pdf" / "rapport-annuel.pdf").write_bytes(
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        )
    if img_dir is not None:
        (img_dir / "png").mkdir(parents=True, exist_ok=True)
        (img_dir / "png" / "carte-kouriles.png").write_bytes(png_bytes(4, 3))
        if spip4:
            (img_dir / "logo").mkdir(parents=True, exist_ok=True)
            (img_dir / "logo" / "fixture-logo.png").write_bytes(png_bytes(2, 2, (0, 90, 0)))
            (img_dir / "logo" / "fixture-logo-2.png").write_bytes(png_bytes(2, 2, (0, 0, 90)))
        else:
            (img_dir / "arton2.png").write_bytes(png_bytes(2, 2, (0, 90, 0)))
            (img_dir / "rubon1.png").write_bytes(png_bytes(2, 2, (0, 0, 90)))

    forums = []
    targets = [("article", 2), ("article", 2), ("breve", 1)]
    for n in range(1, spec.forums + 1):
        objet, ident = targets[n - 1] if n <= 3 else (rnd.choice(["article", "breve"]),
                                                      rnd.randint(1, max(spec.breves, 1)))  # fmt: skip
        parent = 1 if n == 2 else 0
        row = {"id_forum": n, "id_parent": parent, "id_thread": 1 if n == 2 else n,
               "date_heure": _date(n + 1), "titre": f"Message {n}", "texte": f"Texte {n}.",
               "auteur": "Paul Lecteur", "email_auteur": "paul@example.org", "nom_site": "",
               "url_site": "javascript:alert(6)" if n == 3 else "", "statut": "publie",
               "ip": "192.0.2.7", "id_auteur": 0}  # fmt: skip
        if spip4:
            row.update(id_objet=ident, objet=objet)
        else:
            row.update(id_article=ident if objet == "article" else 0,
                       id_breve=ident if objet == "breve" else 0, id_rubrique=0, id_syndic=0)  # fmt: skip
        forums.append(row)
    if takeover and forums:
        # a message removed by a moderator (off) and a published reply to it: SPIP hides both
        forums += [
            {**forums[0], "id_forum": 90, "id_parent": 0, "id_thread": 90, "statut": "off",
             "titre": "Message retiré", "texte": "Texte retiré."},
            {**forums[0], "id_forum": 91, "id_parent": 90, "id_thread": 90, "statut": "publie",
             "titre": "Réponse au message retiré", "texte": "Réponse orpheline."},
        ]  # fmt: skip
    w.insert("forum", forums)
    w.insert("visites", [{"date": (dt.date(2024, 1, 1) + dt.timedelta(days=d)).isoformat(),
                          "visites": 100 + d} for d in range(spec.visit_days)])  # fmt: skip
    w.insert("visites_articles", [{"date": (dt.date(2024, 1, 1) + dt.timedelta(days=d)).isoformat(),
                                   "id_article": 2, "visites": 10 + d}
                                  for d in range(spec.visit_days)])  # fmt: skip
    w.insert("referers_articles", [{"id_article": 2, "referer_md5": 1,
                                    "referer": "https://www.qwant.com/", "visites": 7}])  # fmt: skip


def build_sqlite(path: Path, spec: SiteSpec | None = None, img_dir: Path | None = None) -> Path:
    """Write a SPIP-shaped SQLite database at ``path`` (and its IMG files in ``img_dir``)."""
    spec = spec or SiteSpec()
    path = Path(path)
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path)
    writer = _Writer(conn, "?")
    create_tables(writer, spec.schema)
    populate(writer, spec, img_dir)
    conn.commit()
    conn.close()
    return path


def build_mysql(conn, spec: SiteSpec | None = None) -> None:
    """Load the same site into an (empty) MySQL/MariaDB database through a PyMySQL connection."""
    spec = spec or SiteSpec()
    writer = _Writer(conn, "%s")
    create_tables(writer, spec.schema)
    populate(writer, spec, None)
    conn.commit()


_XML_INVALID = __import__("re").compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def build_xml_dump(sqlite_path: Path, out_path: Path, *, compress: bool = True) -> Path:
    """Write a SPIP 1.9/2-style XML backup (iso-8859-1, one element per row) of a fixture
    database built with ``SiteSpec(schema="spip2")``."""
    import gzip
    from xml.sax.saxutils import escape

    db = sqlite3.connect(sqlite_path)
    version = db.execute("SELECT valeur FROM spip_meta WHERE nom='version_installee'").fetchone()
    parts = ['<?xml version="1.0" encoding="iso-8859-1"?>',
             f'<SPIP version="2.1.10" version_base="{version[0]}" dir_img="IMG/">']  # fmt: skip
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        cursor = db.execute(f"SELECT * FROM {table}")  # our own table names
        cols = [d[0] for d in cursor.description]
        for row in cursor:
            cells = "".join(
                f"<{c}>{escape(_XML_INVALID.sub('', str(v))) if v is not None else ''}</{c}>"
                for c, v in zip(cols, row, strict=True)
            )
            parts.append(f"<{table}>{cells}</{table}>")
    parts.append("</SPIP>")
    db.close()
    data = "\n".join(parts).encode("iso-8859-1", "xmlcharrefreplace")
    out_path = Path(out_path)
    if compress:
        with gzip.open(out_path, "wb") as fh:
            fh.write(data)
    else:
        out_path.write_bytes(data)
    return out_path
