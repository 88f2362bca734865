"""SPIP's old addresses -> legacy redirects (one per old URL, virtual articles included)."""

from __future__ import annotations

import re

from django.db import transaction

from .. import clean, legacy
from ..models import ImportRecord, LegacyURL
from .common import ref


class RedirectsImport:
    """Step « redirects »."""

    def import_redirects(self) -> None:
        wanted: dict[str, tuple[str, str]] = {}  # key -> (target_ref, target_url)
        for key in self.records:
            parts = key.split(":")
            if len(parts) != 3:
                continue
            _spip, kind, ident = parts
            if kind in ("article", "breve", "rubrique", "mot", "auteur", "evenement"):
                wanted[legacy.canonical(kind, int(ident))] = (key, "")
            elif kind == "document":
                pass
        for record in ImportRecord.objects.filter(ref__startswith="spip:document:"):
            fichier = (record.extra or {}).get("fichier")
            if fichier:
                wanted[legacy.img_key(fichier)] = (record.ref, "")
        for row in self._url_rows:
            kind = row.type
            if kind in ("article", "breve", "rubrique", "mot", "auteur") and row.url:
                target = ref(kind, row.object_id)
                if target in self.records or kind == "article":
                    wanted.setdefault(legacy.slug_key(kind, row.url), (target, ""))
        offline_virtuals = []
        for row in getattr(self, "_virtual_articles", []):
            if ref("article", row.id) not in self.virtual_published:
                # SPIP redirects only for a published virtual article; a draft one answers 404
                offline_virtuals.append(legacy.canonical("article", row.id))
                slug = self.slugs.get(("article", row.id))
                if slug:
                    offline_virtuals.append(legacy.slug_key("article", slug))
                continue
            target_ref, target_url = self._virtual_target(row.redirect_target)
            if not (target_ref or target_url):
                self.report.warn(f"article {row.id} : redirection vers une adresse refusée "
                                 f"({row.redirect_target[:80]!r})")  # fmt: skip
                continue
            wanted[legacy.canonical("article", row.id)] = (target_ref, target_url)
            slug = self.slugs.get(("article", row.id))
            if slug:
                wanted[legacy.slug_key("article", slug)] = (target_ref, target_url)
        existing = dict(
            (k, (r, u)) for k, r, u in LegacyURL.objects.values_list("key", "target_ref",
                                                                     "target_url").iterator()
        )  # fmt: skip
        if "articles" in self.only:
            # virtual articles trashed, deleted or unpublished in SPIP since the last run: their
            # redirects go (an article's own address points at itself, a virtual one's elsewhere)
            for key, (target_ref, target_url) in existing.items():
                ident = key[len("spip.php?article") :] if key.startswith("spip.php?article") else ""
                own = ref("article", int(ident)) if ident.isdigit() else ""
                if own and (target_url or target_ref != own) and own not in self.virtual_published:
                    offline_virtuals.append(key)
        offline = set(offline_virtuals)
        wanted = {k: v for k, v in wanted.items() if k not in offline}
        new = [LegacyURL(key=k, target_ref=r, target_url=u) for k, (r, u) in wanted.items()
               if k not in existing]  # fmt: skip
        changed = [(k, r, u) for k, (r, u) in wanted.items()
                   if k in existing and existing[k] != (r, u)]  # fmt: skip
        with transaction.atomic():
            for start in range(0, len(new), 1000):
                LegacyURL.objects.bulk_create(new[start : start + 1000], ignore_conflicts=True)
            for k, r, u in changed:
                LegacyURL.objects.filter(key=k).update(target_ref=r, target_url=u)
            if offline:
                LegacyURL.objects.filter(key__in=offline).delete()
        self.report.counts["redirects"] = len(new) + len(changed)

    def _virtual_target(self, target: str) -> tuple[str, str]:
        """A redirect article's target: an internal shortcut (``art12``, ``rubrique3``) or a URL."""

        match = re.match(r"^(art|article|br|breve|rub|rubrique|mot|aut|auteur)\s*(\d+)$",
                         target.strip(), re.I)  # fmt: skip
        if match:
            kind = {"art": "article", "br": "breve", "rub": "rubrique",
                    "aut": "auteur"}.get(match.group(1).lower(), match.group(1).lower())  # fmt: skip
            return ref(kind, int(match.group(2))), ""
        return "", clean.safe_url(target)
