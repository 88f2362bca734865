"""Step « petitions »: SPIP's petitions and their confirmed signatures (redac.petitions)."""

from __future__ import annotations

from django.apps import apps

from .common import aware


class PetitionsImport:
    """Step « petitions »."""

    def import_petitions(self) -> None:
        """``spip_petitions`` become the petitions of the imported articles, ``spip_signatures``
        confirmed signatures (SPIP's « publie »); unconfirmed and trashed signatures are counted
        in the report's warnings, never imported: they carry no confirmed consent. Idempotent:
        a re-run updates the petitions and adds only the signatures not yet imported."""
        if not apps.is_installed("redac.petitions"):
            return
        petitions = self.reader.petitions()
        if not petitions:
            return
        from redac.news.models import ArticlePage
        from redac.petitions.spip import import_spip_petitions

        article_ids = {int(key.rsplit(":", 1)[1]): object_id
                       for key, (_d, object_id) in self.records.items()
                       if key.startswith("spip:article:") and object_id}  # fmt: skip
        wanted = {int(row.get("id_article") or 0) for row in petitions} & set(article_ids)
        pages = ArticlePage.objects.in_bulk([article_ids[a] for a in wanted])
        pages_by_article = {a: pages[article_ids[a]] for a in wanted if article_ids[a] in pages}
        signatures = self.reader.signatures()
        for row in signatures:
            row["date_time"] = aware(row.get("date_time"))
        done = import_spip_petitions(petitions, signatures, pages_by_article)
        self.report.counts["petitions"] += done["petitions"]
        self.report.counts["signatures"] += done["signatures"]
        left = {"unconfirmed": "non confirmée(s)", "trashed": "à la poubelle",
                "without_article": "sans article importé", "duplicates": "en double"}  # fmt: skip
        for key, words in left.items():
            if done.get(key):
                self.report.warn(f"{done[key]} signature(s) de pétition {words} : non reprise(s)")
