"""What every step of the import shares: the report, SPIP references (``spip:article:12``),
dates, digests and safe file paths."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from redac.news import numbers
from redac.news.models import LANGUAGE_CHOICES

BATCH_SIZE = 200
#: How many numbers above the SPIP site's highest ones stay reserved for it while it is re-synced
#: (``--reserve``): redac's own new articles, brèves, sections and documents are numbered above.
DEFAULT_RESERVE = 1000
#: SPIP object types -> the SPIP numbering they keep in redac (redac.news.numbers)
NUMBERED = {"article": numbers.Kind.ARTICLE, "breve": numbers.Kind.BREVE,
            "rubrique": numbers.Kind.RUBRIQUE, "document": numbers.Kind.DOCUMENT}  # fmt: skip
PAGE_KINDS = {"article": "articles", "breve": "breves", "rubrique": "rubriques"}
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
LANGS = {code for code, _label in LANGUAGE_CHOICES}
ALL_TYPES = ("rubriques", "articles", "breves", "auteurs", "mots", "documents", "forums",
             "petitions", "evenements", "visites", "redirects")  # fmt: skip
REPORT_KEYS = ("rubriques", "articles", "breves", "auteurs", "groupes_mots", "mots", "documents",
               "forums", "petitions", "signatures", "evenements", "visits_days", "redirects",
               "slugs_updated")  # fmt: skip
#: SPIP author statuses -> the Wagtail group their (inactive) account joins. Wagtail's own
#: "Moderators" and "Editors" already carry the right page permissions: a SPIP administrator
#: publishes (Moderators), a rédacteur writes and submits (Editors). Visitors get a group without
#: any permission, so that they are still recognisable. Nobody becomes a superuser by import.
STATUS_GROUPS = {"0minirezo": "Moderators", "1comite": "Editors", "6forum": "Visiteurs SPIP"}
LOGO_FILES = {"article": "arton", "rubrique": "rubon", "breve": "breveon", "auteur": "auton",
              "mot": "moton"}  # fmt: skip


@dataclass
class Report:
    """What a run did. A dry run counts exactly what the real run would (it runs everything, then
    rolls back). ``unchanged``: objects whose SPIP row had not changed since the last run (left
    untouched). ``unresolved_links``: every internal reference of the imported texts that leads
    nowhere, re-checked on each run (texts not re-imported included). ``links_to_trashed``:
    references to objects SPIP had put in the trash, shown to readers as their text without a
    link, as SPIP does. ``unpublished``: objects taken offline because SPIP trashed or deleted
    them since the last run. ``conflicts``: objects edited in redac since their import, which the
    run did not overwrite. ``collisions``: SPIP objects whose number a redac object holds, not
    imported (never merged)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPORT_KEYS, 0))
    warnings: list[str] = field(default_factory=list)
    unresolved_links: list[str] = field(default_factory=list)
    links_to_trashed: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)
    skipped_unchanged: int = 0
    seconds: float = 0.0

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def as_json(self) -> dict:
        data = dict(self.counts)
        data["unchanged"] = self.skipped_unchanged
        data["warnings"] = list(self.warnings)
        data["unresolved_links"] = list(self.unresolved_links)
        data["links_to_trashed"] = list(self.links_to_trashed)
        data["unpublished"] = list(self.unpublished)
        data["conflicts"] = list(self.conflicts)
        data["collisions"] = list(self.collisions)
        data["seconds"] = round(self.seconds, 3)
        return data


def combine(*parts) -> str:
    import hashlib

    text = "|".join(str(p) for p in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SPIP stores local times without a zone: read them in the site's zone."""
    if value is None:
        return None
    if timezone.is_aware(value):
        return value
    try:
        return timezone.make_aware(value)
    except Exception:  # a time skipped by a DST change: shift it by an hour
        return timezone.make_aware(value + dt.timedelta(hours=1))


def ref(kind: str, ident: int) -> str:
    return f"spip:{kind}:{ident}"


def safe_join(img_dir: Path, relative: str) -> Path | None:
    """The file ``relative`` inside ``img_dir``, or None when the path leaves it (``../``,
    absolute paths, symbolic links pointing elsewhere): a SPIP database is untrusted input."""
    if not relative or relative.startswith(("/", "\\")) or "\x00" in relative:
        return None
    if os.path.isabs(relative) or ".." in Path(relative.replace("\\", "/")).parts:
        return None
    root = os.path.realpath(img_dir)
    candidate = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([root, candidate]) != root or candidate == root:
        return None
    return Path(candidate)


def numbered_slug(slug: str, base: str) -> bool:
    """``slug`` is ``base`` made unique among its siblings (``base-12``, ``base-12-2``)."""
    return slug.startswith(base + "-") and slug[len(base) + 1 :].replace("-", "").isdigit()


def spip_body(page) -> str:
    return "\n\n".join(str(block.value) for block in page.body if block.block_type == "spip")
