"""Read a SPIP database through SQL: SQLite files (a live ``config/bases/*.sqlite`` or a backup
``tmp/dump/*.sqlite``, which SPIP 3+ writes whatever database the site runs on) and MySQL/MariaDB.

One reader serves every SPIP version from 1.9 to 5: the schema is detected from the tables that
exist (SPIP 3 replaced the per-pair link tables ``spip_auteurs_articles``, ``spip_mots_breves``...
with generic ``spip_*_liens (id_x, id_objet, objet)``) and columns are read only when present, so
a column a version lacks takes its default instead of failing.
"""

from __future__ import annotations

import abc
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator

from .errors import UnusableSource
from .types import (
    Article,
    Auteur,
    Breve,
    Document,
    ForumMessage,
    Keyword,
    KeywordGroup,
    Referrer,
    Rubrique,
    SiteInfo,
    UrlRow,
    VisitDay,
)

_IDENT = re.compile(r"^[A-Za-z0-9_]+$")
#: SPIP object types as they appear in ``objet`` columns and in URL/link shortcuts.
OBJECT_TYPES = ("article", "breve", "rubrique", "auteur", "mot", "document", "syndic", "forum")


def parse_datetime(value) -> dt.datetime | None:
    """SPIP writes '0000-00-00 00:00:00' for "no date"; MySQL drivers may already give datetimes."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return dt.datetime.fromisoformat(text[:19])
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
    return None


def parse_date(value) -> dt.date | None:
    when = parse_datetime(value)
    return when.date() if when else None


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def parse_version(raw: str) -> float | None:
    try:
        return float(str(raw).strip())
    except (TypeError, ValueError):
        return None


class SqlConnection(abc.ABC):
    """The few operations the reader needs, over a DB-API connection (sqlite3 or PyMySQL)."""

    @abc.abstractmethod
    def tables(self) -> set[str]:
        raise NotImplementedError

    @abc.abstractmethod
    def columns(self, table: str) -> set[str]:
        raise NotImplementedError

    @abc.abstractmethod
    def query(self, sql: str) -> Iterator[dict]:
        raise NotImplementedError

    @abc.abstractmethod
    def close(self) -> None:
        raise NotImplementedError


class SqlReader:
    """Reads a SPIP site from an :class:`SqlConnection`; every method yields dataclasses."""

    source_format = "sqlite"

    def __init__(self, conn: SqlConnection, *, source_format: str = "sqlite") -> None:
        self.conn = conn
        self.source_format = source_format
        self._tables = {t.lower(): t for t in conn.tables()}
        self._columns: dict[str, set[str]] = {}
        self._ranked: set[tuple[str, str]] = set()
        self.prefix = self._detect_prefix()
        self.site = self._read_site()

    # --- schema ----------------------------------------------------------------------------------
    def _detect_prefix(self) -> str:
        candidates = sorted(
            name[: -len("_articles")]
            for name in self._tables
            if name.endswith("_articles") and f"{name[: -len('_articles')]}_meta" in self._tables
            and f"{name[: -len('_articles')]}_rubriques" in self._tables
        )  # fmt: skip
        if not candidates:
            raise UnusableSource(
                "ce n'est pas une base SPIP : aucune table spip_articles/spip_rubriques/spip_meta"
            )
        return "spip" if "spip" in candidates else candidates[0]

    def table(self, short: str) -> str | None:
        """The real name of ``{prefix}_{short}`` if the table exists."""
        return self._tables.get(f"{self.prefix}_{short}".lower())

    def has(self, short: str) -> bool:
        return self.table(short) is not None

    def cols(self, short: str) -> set[str]:
        name = self.table(short)
        if name is None:
            return set()
        if name not in self._columns:
            self._columns[name] = {c.lower() for c in self.conn.columns(name)}
        return self._columns[name]

    def rows(self, short: str, wanted: list[str], order: str = "") -> Iterator[dict]:
        """Rows of a table with the wanted columns that exist (missing ones are absent keys)."""
        name = self.table(short)
        if name is None:
            return iter(())
        present = [c for c in wanted if c.lower() in self.cols(short)]
        assert all(_IDENT.match(c) for c in present) and _IDENT.match(name)
        if not present:
            return iter(())
        sql = f"SELECT {', '.join(present)} FROM {name}"  # noqa: S608 (identifiers checked above)
        if order and order in present:
            sql += f" ORDER BY {order}"
        return self.conn.query(sql)

    def _read_site(self) -> SiteInfo:
        meta = {
            _str(row.get("nom")): _str(row.get("valeur"))
            for row in self.rows("meta", ["nom", "valeur"])
            if row.get("nom") in META_KEYS
        }
        raw_version = meta.get("version_installee", "")
        version = parse_version(raw_version)
        if version is None:
            raise UnusableSource(
                "version de SPIP inconnue : spip_meta n'a pas de version_installee lisible"
                f" ({raw_version!r})"
            )
        if version < 1.9 or version > 3e9:
            raise UnusableSource(
                f"version de SPIP non prise en charge (version_installee = {raw_version}) :"
                " redac importe SPIP 1.9 à 5"
            )
        if self.has("auteurs_liens"):
            generation = 3
        elif self.has("auteurs_articles"):
            generation = 1
        else:
            raise UnusableSource(
                "schéma SPIP inconnu : ni spip_auteurs_liens (SPIP 3+) ni spip_auteurs_articles"
                " (SPIP 1.9/2)"
            )
        return SiteInfo(
            schema_version=int(version) if version >= 100 else 0,
            spip_generation=generation,
            prefix=self.prefix,
            charset=meta.get("charset", "utf-8") or "utf-8",
            name=meta.get("nom_site", ""),
            url=meta.get("adresse_site", ""),
            slogan=meta.get("slogan_site", ""),
            description=meta.get("descriptif_site", ""),
            lang=meta.get("langue_site", "fr") or "fr",
            type_urls=meta.get("type_urls", "page") or "page",
            source_format=self.source_format,
        )

    # --- links -----------------------------------------------------------------------------------
    def links(self, what: str, objet: str) -> dict[int, list[int]]:
        """``{id_objet: [id_x, ...]}`` for auteurs/mots/documents linked to one object type, from
        ``spip_{what}s_liens`` (SPIP 3+) or the per-pair table ``spip_{what}s_{objet}s``."""
        key = f"id_{what}"
        result: dict[int, list[int]] = defaultdict(list)
        if self.has(f"{what}s_liens"):
            cols = self.cols(f"{what}s_liens")
            wanted = [key, "id_objet", "objet"] + [c for c in ("rang_lien",) if c in cols]
            rows = [r for r in self.rows(f"{what}s_liens", wanted)
                    if _str(r.get("objet")).lower() == objet]  # fmt: skip
            rows.sort(key=lambda r: (_int(r.get("rang_lien")), _int(r.get(key))))
            if any(_int(r.get("rang_lien")) for r in rows):
                self._ranked.add((what, objet))
            for row in rows:
                result[_int(row["id_objet"])].append(_int(row[key]))
        elif self.has(f"{what}s_{objet}s"):
            for row in self.rows(f"{what}s_{objet}s", [key, f"id_{objet}"]):
                result[_int(row[f"id_{objet}"])].append(_int(row[key]))
        return result

    # --- objects ---------------------------------------------------------------------------------
    def rubriques(self) -> Iterator[Rubrique]:
        wanted = ["id_rubrique", "id_parent", "titre", "descriptif", "texte", "statut", "lang",
                  "date"]  # fmt: skip
        for r in self.rows("rubriques", wanted, order="id_rubrique"):
            yield Rubrique(
                id=_int(r["id_rubrique"]), parent_id=_int(r.get("id_parent")),
                title=_str(r.get("titre")), descriptif=_str(r.get("descriptif")),
                texte=_str(r.get("texte")), status=_str(r.get("statut")) or "publie",
                lang=_str(r.get("lang")), date=parse_datetime(r.get("date")),
            )  # fmt: skip

    def articles(self) -> Iterator[Article]:
        authors = self.links("auteur", "article")
        keywords = self.links("mot", "article")
        wanted = ["id_article", "id_rubrique", "titre", "surtitre", "soustitre", "descriptif",
                  "chapo", "texte", "ps", "statut", "date", "date_redac", "date_modif", "lang",
                  "id_trad", "virtuel", "nom_site", "url_site", "visites", "popularite",
                  "accepter_forum"]  # fmt: skip
        names = self._author_names()
        for r in self.rows("articles", wanted, order="id_article"):
            ident = _int(r["id_article"])
            yield Article(
                id=ident, rubrique_id=_int(r.get("id_rubrique")), title=_str(r.get("titre")),
                surtitre=_str(r.get("surtitre")), soustitre=_str(r.get("soustitre")),
                descriptif=_str(r.get("descriptif")), chapo=_str(r.get("chapo")),
                texte=_str(r.get("texte")), ps=_str(r.get("ps")),
                status=_str(r.get("statut")) or "prepa", date=parse_datetime(r.get("date")),
                date_redac=parse_datetime(r.get("date_redac")),
                date_modif=parse_datetime(r.get("date_modif")), lang=_str(r.get("lang")),
                trad_id=_int(r.get("id_trad")), virtuel=_str(r.get("virtuel")),
                nom_site=_str(r.get("nom_site")), url_site=_str(r.get("url_site")),
                visites=_int(r.get("visites")), popularite=float(r.get("popularite") or 0),
                accepter_forum=_str(r.get("accepter_forum")),
                author_ids=self._byline(authors.get(ident, []), names, "article"),
                keyword_ids=keywords.get(ident, []),
            )  # fmt: skip

    def _author_names(self) -> dict[int, str]:
        return {_int(r["id_auteur"]): _str(r.get("nom"))
                for r in self.rows("auteurs", ["id_auteur", "nom"])}  # fmt: skip

    def _byline(self, ids: list[int], names: dict[int, str], objet: str) -> list[int]:
        """SPIP's own templates list an object's authors ``{par nom}`` (modeles/lesauteurs.html):
        keep that order so bylines read as they did, unless the links carry a rank."""
        if ("auteur", objet) in self._ranked:
            return list(dict.fromkeys(ids))
        return sorted(dict.fromkeys(ids), key=lambda i: names.get(i, "").casefold())

    def breves(self) -> Iterator[Breve]:
        authors = self.links("auteur", "breve")
        keywords = self.links("mot", "breve")
        names = self._author_names()
        wanted = ["id_breve", "id_rubrique", "titre", "texte", "lien_titre", "lien_url",
                  "statut", "date_heure", "lang"]  # fmt: skip
        for r in self.rows("breves", wanted, order="id_breve"):
            ident = _int(r["id_breve"])
            yield Breve(
                id=ident, rubrique_id=_int(r.get("id_rubrique")), title=_str(r.get("titre")),
                texte=_str(r.get("texte")), lien_titre=_str(r.get("lien_titre")),
                lien_url=_str(r.get("lien_url")), status=_str(r.get("statut")) or "prop",
                date=parse_datetime(r.get("date_heure")), lang=_str(r.get("lang")),
                author_ids=self._byline(authors.get(ident, []), names, "breve"),
                keyword_ids=keywords.get(ident, []),
            )  # fmt: skip

    def auteurs(self) -> Iterator[Auteur]:
        restricted = defaultdict(list)
        if self.has("auteurs_liens"):
            for row in self.rows("auteurs_liens", ["id_auteur", "id_objet", "objet"]):
                if _str(row.get("objet")).lower() == "rubrique":
                    restricted[_int(row["id_auteur"])].append(_int(row["id_objet"]))
        elif self.has("auteurs_rubriques"):
            for row in self.rows("auteurs_rubriques", ["id_auteur", "id_rubrique"]):
                restricted[_int(row["id_auteur"])].append(_int(row["id_rubrique"]))
        wanted = ["id_auteur", "nom", "bio", "email", "nom_site", "url_site", "login", "statut",
                  "webmestre", "lang"]  # fmt: skip
        for r in self.rows("auteurs", wanted, order="id_auteur"):
            ident = _int(r["id_auteur"])
            yield Auteur(
                id=ident, name=_str(r.get("nom")), bio=_str(r.get("bio")),
                email=_str(r.get("email")), nom_site=_str(r.get("nom_site")),
                url_site=_str(r.get("url_site")), login=_str(r.get("login")),
                status=_str(r.get("statut")), webmestre=_str(r.get("webmestre")) == "oui",
                lang=_str(r.get("lang")), rubrique_ids=sorted(restricted.get(ident, [])),
            )  # fmt: skip

    def keyword_groups(self) -> Iterator[KeywordGroup]:
        for r in self.rows("groupes_mots", ["id_groupe", "titre", "descriptif", "texte"],
                           order="id_groupe"):  # fmt: skip
            yield KeywordGroup(id=_int(r["id_groupe"]), title=_str(r.get("titre")),
                               descriptif=_str(r.get("descriptif")),
                               texte=_str(r.get("texte")))  # fmt: skip

    def keywords(self) -> Iterator[Keyword]:
        wanted = ["id_mot", "id_groupe", "titre", "descriptif", "texte"]
        for r in self.rows("mots", wanted, order="id_mot"):
            yield Keyword(id=_int(r["id_mot"]), group_id=_int(r.get("id_groupe")),
                          title=_str(r.get("titre")), descriptif=_str(r.get("descriptif")),
                          texte=_str(r.get("texte")))  # fmt: skip

    def documents(self) -> Iterator[Document]:
        links: dict[int, list[tuple[str, int]]] = defaultdict(list)
        if self.has("documents_liens"):
            for row in self.rows("documents_liens", ["id_document", "id_objet", "objet"]):
                links[_int(row["id_document"])].append(
                    (_str(row.get("objet")).lower(), _int(row.get("id_objet")))
                )
        else:
            for objet in ("article", "breve", "rubrique"):
                for row in self.rows(f"documents_{objet}s", ["id_document", f"id_{objet}"]):
                    links[_int(row["id_document"])].append((objet, _int(row[f"id_{objet}"])))
        wanted = ["id_document", "fichier", "extension", "titre", "descriptif", "credits", "alt",
                  "mode", "distant", "media", "largeur", "hauteur", "taille", "date"]  # fmt: skip
        for r in self.rows("documents", wanted, order="id_document"):
            ident = _int(r["id_document"])
            fichier = _str(r.get("fichier"))
            yield Document(
                id=ident, fichier=fichier,
                extension=(_str(r.get("extension")) or fichier.rpartition(".")[2]).lower(),
                title=_str(r.get("titre")), descriptif=_str(r.get("descriptif")),
                credits=_str(r.get("credits")), alt=_str(r.get("alt")),
                mode=_str(r.get("mode")) or "document", distant=_str(r.get("distant")) == "oui",
                media=_str(r.get("media")), width=_int(r.get("largeur")) or None,
                height=_int(r.get("hauteur")) or None, size=_int(r.get("taille")) or None,
                date=parse_datetime(r.get("date")), links=links.get(ident, []),
            )  # fmt: skip

    def evenements(self) -> list[dict]:
        """``spip_evenements`` (the « Agenda » plugin) as plain rows of strings, read by
        :func:`redac.agenda.spip.read_events`; none without the plugin."""
        wanted = ["id_evenement", "id_article", "id_evenement_source", "date_debut", "date_fin",
                  "titre", "descriptif", "lieu", "adresse", "horaire", "statut", "places"]  # fmt: skip
        return [{k: _str(v) for k, v in r.items()}
                for r in self.rows("evenements", wanted, order="id_evenement")]  # fmt: skip

    def petitions(self) -> list[dict]:
        """``spip_petitions`` (the « pétitions » plugin shipped with SPIP) as plain rows of
        strings, read by :func:`redac.petitions.spip.import_spip_petitions`; none without it."""
        wanted = ["id_petition", "id_article", "email_unique", "site_obli", "site_unique",
                  "message", "texte", "statut"]  # fmt: skip
        return [{k: _str(v) for k, v in r.items()}
                for r in self.rows("petitions", wanted, order="id_petition")]  # fmt: skip

    def signatures(self) -> list[dict]:
        """``spip_signatures``: plain rows of strings, ``date_time`` parsed (naive, SPIP's)."""
        wanted = ["id_signature", "id_petition", "id_article", "date_time", "nom_email",
                  "ad_email", "nom_site", "url_site", "message", "statut"]  # fmt: skip
        rows = []
        for r in self.rows("signatures", wanted, order="id_signature"):
            row = {k: _str(v) for k, v in r.items() if k != "date_time"}
            row["date_time"] = parse_datetime(r.get("date_time"))
            rows.append(row)
        return rows

    def forums(self) -> Iterator[ForumMessage]:
        cols = self.cols("forum")
        wanted = ["id_forum", "id_objet", "objet", "id_article", "id_breve", "id_rubrique",
                  "id_parent", "id_thread", "date_heure", "titre", "texte", "auteur",
                  "email_auteur", "nom_site", "url_site", "statut", "id_auteur", "ip"]  # fmt: skip
        for r in self.rows("forum", wanted, order="id_forum"):
            if "objet" in cols:
                objet, object_id = _str(r.get("objet")).lower(), _int(r.get("id_objet"))
            else:  # SPIP 1.9/2: one column per parent type
                objet, object_id = "", 0
                for candidate in ("article", "breve", "rubrique"):
                    if _int(r.get(f"id_{candidate}")):
                        objet, object_id = candidate, _int(r.get(f"id_{candidate}"))
                        break
            yield ForumMessage(
                id=_int(r["id_forum"]), objet=objet, object_id=object_id,
                parent_id=_int(r.get("id_parent")), thread_id=_int(r.get("id_thread")),
                date=parse_datetime(r.get("date_heure")), title=_str(r.get("titre")),
                texte=_str(r.get("texte")), author_name=_str(r.get("auteur")),
                author_email=_str(r.get("email_auteur")),
                author_site_name=_str(r.get("nom_site")), author_url=_str(r.get("url_site")),
                status=_str(r.get("statut")), auteur_id=_int(r.get("id_auteur")),
                ip=_str(r.get("ip"))[:45],
            )  # fmt: skip

    def visit_days(self) -> Iterator[VisitDay]:
        for r in self.rows("visites", ["date", "visites"], order="date"):
            day = parse_date(r.get("date"))
            if day:
                yield VisitDay("site", 0, day, _int(r.get("visites")))
        for r in self.rows("visites_articles", ["date", "id_article", "visites"], order="date"):
            day = parse_date(r.get("date"))
            if day:
                yield VisitDay("article", _int(r["id_article"]), day, _int(r.get("visites")))

    def referrers(self) -> Iterator[Referrer]:
        for r in self.rows("referers", ["referer", "visites", "visites_jour"]):
            yield Referrer("site", 0, _str(r.get("referer")), _int(r.get("visites")),
                           _int(r.get("visites_jour")))  # fmt: skip
        for r in self.rows("referers_articles", ["id_article", "referer", "visites"]):
            yield Referrer("article", _int(r["id_article"]), _str(r.get("referer")),
                           _int(r.get("visites")))  # fmt: skip

    def urls(self) -> Iterator[UrlRow]:
        wanted = ["url", "type", "id_objet", "id_parent", "date", "perma", "langue"]
        for r in self.rows("urls", wanted):
            yield UrlRow(url=_str(r.get("url")), type=_str(r.get("type")).lower(),
                         object_id=_int(r.get("id_objet")), parent_id=_int(r.get("id_parent")),
                         date=parse_datetime(r.get("date")), perma=bool(_int(r.get("perma"))),
                         lang=_str(r.get("langue")))  # fmt: skip

    def close(self) -> None:
        self.conn.close()


META_KEYS = {
    "version_installee", "charset", "nom_site", "adresse_site", "slogan_site", "descriptif_site",
    "langue_site", "type_urls",
}  # fmt: skip
