"""What the readers return: plain dataclasses, one per SPIP object, whatever the SPIP version or
the source format (SQLite database, SQLite backup, MySQL, XML backup).

No Django here (DESIGN.md convention 4): the readers can be tested without a database, and the
mapping layer (``redac.spipimport.mapping``) is the only place that knows about models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field


def digest(obj) -> str:
    """A stable fingerprint of a source row: a re-run skips objects whose fingerprint is unchanged."""
    data = json.dumps(asdict(obj), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass
class SiteInfo:
    schema_version: int  # spip_meta version_installee (e.g. 2022022303 for SPIP 4.x)
    spip_generation: int  # 1 for SPIP 1.9/2.x (per-pair link tables), 3 for SPIP 3+ (``*_liens``)
    prefix: str = "spip"
    charset: str = "utf-8"
    name: str = ""
    url: str = ""
    slogan: str = ""
    description: str = ""
    lang: str = "fr"
    type_urls: str = "page"
    source_format: str = "sqlite"


@dataclass
class Rubrique:
    id: int
    parent_id: int
    title: str
    descriptif: str = ""
    texte: str = ""
    status: str = "publie"
    lang: str = ""
    date: dt.datetime | None = None


@dataclass
class Article:
    id: int
    rubrique_id: int
    title: str
    surtitre: str = ""
    soustitre: str = ""
    descriptif: str = ""
    chapo: str = ""
    texte: str = ""
    ps: str = ""
    status: str = "publie"
    date: dt.datetime | None = None
    date_redac: dt.datetime | None = None
    date_modif: dt.datetime | None = None
    lang: str = ""
    trad_id: int = 0
    virtuel: str = ""
    nom_site: str = ""
    url_site: str = ""
    visites: int = 0
    popularite: float = 0.0
    accepter_forum: str = ""
    author_ids: list[int] = field(default_factory=list)
    keyword_ids: list[int] = field(default_factory=list)

    @property
    def redirect_target(self) -> str:
        """SPIP's "article virtuel": ``virtuel`` (SPIP 3+) or a chapo ``=url`` (SPIP <= 2)."""
        if self.virtuel.strip():
            return self.virtuel.strip()
        chapo = self.chapo.strip()
        if chapo.startswith("=") and "\n" not in chapo:
            return chapo[1:].strip()
        return ""


@dataclass
class Breve:
    id: int
    rubrique_id: int
    title: str
    texte: str = ""
    lien_titre: str = ""
    lien_url: str = ""
    status: str = "publie"
    date: dt.datetime | None = None
    lang: str = ""
    author_ids: list[int] = field(default_factory=list)
    keyword_ids: list[int] = field(default_factory=list)


@dataclass
class Auteur:
    id: int
    name: str
    bio: str = ""
    email: str = ""
    nom_site: str = ""
    url_site: str = ""
    login: str = ""
    status: str = ""  # 0minirezo (admin), 1comite (rédacteur), 6forum (visitor), 5poubelle
    webmestre: bool = False
    lang: str = ""
    rubrique_ids: list[int] = field(default_factory=list)  # restricted admin's sections


@dataclass
class KeywordGroup:
    id: int
    title: str
    descriptif: str = ""
    texte: str = ""


@dataclass
class Keyword:
    id: int
    group_id: int
    title: str
    descriptif: str = ""
    texte: str = ""


@dataclass
class Document:
    id: int
    fichier: str
    extension: str = ""
    title: str = ""
    descriptif: str = ""
    credits: str = ""
    alt: str = ""
    mode: str = "document"  # document, image, vignette, logoon, logooff
    distant: bool = False
    media: str = ""
    width: int | None = None
    height: int | None = None
    size: int | None = None
    date: dt.datetime | None = None
    links: list[tuple[str, int]] = field(default_factory=list)  # (objet, id_objet)


@dataclass
class ForumMessage:
    """A reader comment. ``ip`` is SPIP's record of the poster's address: the importer keeps it
    only while the law requires it (one year from posting, like redac's own comments)."""

    id: int
    objet: str
    object_id: int
    parent_id: int = 0
    thread_id: int = 0
    date: dt.datetime | None = None
    title: str = ""
    texte: str = ""
    author_name: str = ""
    author_email: str = ""
    author_site_name: str = ""
    author_url: str = ""
    status: str = "publie"  # publie, prop, off, spam, privrac, privadm, ...
    auteur_id: int = 0
    ip: str = ""


@dataclass
class VisitDay:
    objet: str  # "site" for spip_visites, "article" for spip_visites_articles
    object_id: int
    date: dt.date
    visits: int


@dataclass
class Referrer:
    objet: str
    object_id: int
    url: str
    visits: int
    visits_day: int = 0


@dataclass
class UrlRow:
    """A row of ``spip_urls``: a "propre"/"arbo" slug that answered for an object."""

    url: str
    type: str
    object_id: int
    parent_id: int = 0
    date: dt.datetime | None = None
    perma: bool = False
    lang: str = ""
