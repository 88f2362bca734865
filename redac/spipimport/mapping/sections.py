"""SPIP rubriques -> section pages, parents first; the brève listing of each sector."""

from __future__ import annotations

from django.utils import timezone

from redac.news.models import BreveIndexPage, SectionPage

from .. import clean
from ..readers import types as t
from .common import aware, ref, spip_body


class SectionsImport:
    """Step « rubriques »."""

    def import_rubriques(self) -> None:
        rows = list(self.reader.rubriques())
        by_id = {row.id: row for row in rows}
        self.rubrique_parent = {row.id: row.parent_id for row in rows}

        def depth(row, seen=()):
            if row.parent_id == 0 or row.parent_id not in by_id or row.id in seen:
                return 0
            return 1 + depth(by_id[row.parent_id], (*seen, row.id))

        # parents first; siblings in SPIP's order ("1. Titre" numbers, then title)
        rows.sort(key=lambda r: (depth(r), clean.title_number(r.title) or 0, r.title, r.id))
        self._load_sections()
        for row in self._batches(rows, "rubriques"):
            key = ref("rubrique", row.id)
            self.seen["rubrique"].add(row.id)
            digest = self._text_digest(t.digest(row), self._logo("rubrique", row.id))
            if self._unchanged(key, digest) and row.id in self.sections:
                continue
            if row.parent_id and row.parent_id not in self.sections:
                self.report.warn(f"rubrique {row.id} : rubrique parente {row.parent_id} absente, "
                                 "placée à la racine")  # fmt: skip
            parent = self.sections.get(row.parent_id) if row.parent_id else None
            parent = parent or self.home
            page = self._existing(SectionPage, key)
            is_new = page is None
            if not self._number_free("rubrique", row.id, page):
                continue
            if not is_new and self._edited_in_redac(key, page):
                self._conflict("rubrique", row.id)
                self.sections[row.id] = page
                continue
            if is_new:
                page = SectionPage(import_ref=key)
            self._keep_number("rubrique", row.id, page, is_new=is_new)
            lang = self._lang(row.lang)
            page.title = clean.plain_title(row.title, lang) or f"Rubrique {row.id}"
            page.slug = self._slug(parent, "rubrique", row.id, page.title,
                                   None if is_new else page)  # fmt: skip
            page.descriptif = self._text(row.descriptif)
            page.body = [("spip", self._text(row.texte))] if row.texte.strip() else []
            page.logo_id = self._logo("rubrique", row.id)
            page.show_in_menus = row.parent_id == 0
            status = "publie" if row.status == "publie" else "prepa"
            if not is_new and page.get_parent().pk != parent.pk:
                page = self._move(page, parent)
                self._apply_section_fields(page, row, lang, parent)
            page = self._save_page(parent, page, is_new=is_new, status=status,
                                   date=aware(row.date))  # fmt: skip
            self._record(key, digest, page, status=row.status)
            self.sections[row.id] = page
            self.changed_texts.append((key, lang, [page.descriptif, spip_body(page)]))
            self.report.counts["rubriques"] += 1
        self._grant_sections()

    def _apply_section_fields(self, page, row, lang, parent) -> None:
        page.title = clean.plain_title(row.title, lang) or f"Rubrique {row.id}"
        page.descriptif = self._text(row.descriptif)
        page.body = [("spip", self._text(row.texte))] if row.texte.strip() else []
        page.logo_id = self._logo("rubrique", row.id)

    def _load_sections(self) -> None:
        if self.sections:
            return
        for page in SectionPage.objects.filter(import_ref__startswith="spip:rubrique:"):
            self.sections[int(page.import_ref.rsplit(":", 1)[1])] = page
        if not self.rubrique_parent:
            self.rubrique_parent = {r.id: r.parent_id for r in self.reader.rubriques()}

    def _sector(self, rubrique_id: int) -> int:
        seen = set()
        while self.rubrique_parent.get(rubrique_id, 0) and rubrique_id not in seen:
            seen.add(rubrique_id)
            rubrique_id = self.rubrique_parent[rubrique_id]
        return rubrique_id

    def _breve_listing(self, rubrique_id: int) -> BreveIndexPage | None:
        sector_id = self._sector(rubrique_id)
        if sector_id in self.breve_listings:
            return self.breve_listings[sector_id]
        sector = self.sections.get(sector_id)
        if sector is None:
            return None
        listing = BreveIndexPage.objects.child_of(sector).first()
        if listing is None:
            listing = BreveIndexPage(title="Brèves", slug=self._slug(sector, "breves", 0,
                                                                      "breves", None))  # fmt: skip
            listing.live, listing.has_unpublished_changes = True, False
            listing.first_published_at = listing.last_published_at = timezone.now()
            self._tree.add(sector, listing)
        self.breve_listings[sector_id] = listing
        return listing
