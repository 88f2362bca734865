"""SPIP's audience (visits, popularity, referrers) -> redac.visits."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from redac.news.models import ArticlePage

from .. import clean
from ..models import ImportRecord
from .common import ref


class VisitsImport:
    """Step « visites »."""

    def import_visits(self) -> None:
        """SPIP's audience -> ``redac.visits``: each article's total (``visites``, the number
        the page shows) and popularity, its daily series and referrers, the site's daily series
        and referrers. Figures are *set*, so a re-run never doubles them."""
        import hashlib

        from redac.visits.services import PageHistory, import_histories, import_site_history

        days = list(self.reader.visit_days())
        referrers = list(self.reader.referrers())
        totals = {a.id: (max(a.visites, 0), max(a.popularite, 0.0))
                  for a in self.reader.articles()}  # fmt: skip
        fingerprint = hashlib.sha1(usedforsecurity=False)
        for day in days:
            fingerprint.update(f"{day.objet}:{day.object_id}:{day.date}:{day.visits};".encode())
        for r in referrers:
            fingerprint.update(f"{r.objet}:{r.object_id}:{r.url}:{r.visits};".encode())
        for ident, (total, score) in sorted(totals.items()):
            fingerprint.update(f"{ident}:{total}:{score};".encode())
        pages = {ident: self.records[ref("article", ident)][1] for ident in totals
                 if self.records.get(ref("article", ident), (None, None))[1] is not None}  # fmt: skip
        fingerprint.update(repr(sorted(pages.items())).encode())
        digest = fingerprint.hexdigest()
        if self._unchanged("spip:visits:all", digest):
            return
        daily: dict[tuple[str, int], dict] = defaultdict(dict)
        for day in days:
            daily[(day.objet, day.object_id)][day.date] = max(day.visits, 0)
        sources: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in referrers:
            url = clean.plain_text(r.url, max_length=500)
            if url:
                sources[(r.objet, r.object_id)][url] += max(r.visits, 0)
        histories = [
            PageHistory(page_id=page_id, total=totals[ident][0], daily=daily[("article", ident)],
                        popularity=totals[ident][1], referrers=dict(sources[("article", ident)]),
                        counter_model=ArticlePage)
            for ident, page_id in pages.items()
        ]  # fmt: skip
        # SPIP's site-wide referrers include the articles' ones: the home page gets the rest
        site_sources = dict(sources[("site", 0)])
        for (objet, _ident), urls in sources.items():
            if objet == "article":
                for url, count in urls.items():
                    if url in site_sources:
                        site_sources[url] = max(site_sources[url] - count, 0)
        site_sources = {url: count for url, count in site_sources.items() if count}
        with transaction.atomic():
            for start in range(0, len(histories), 1000):
                import_histories(histories[start : start + 1000])
            import_site_history(daily[("site", 0)])
            if site_sources:
                site_days = daily[("site", 0)]
                import_histories([PageHistory(
                    page_id=self.home.pk, total=None, referrers=site_sources,
                    referrer_day=max(site_days) if site_days else None,
                )])  # fmt: skip
            ImportRecord.objects.update_or_create(
                ref="spip:visits:all",
                defaults={"digest": digest, "model": "visits.pagestats", "object_id": 0})  # fmt: skip
        self.records["spip:visits:all"] = (digest, 0)
        self.report.counts["visits_days"] = len(days)
