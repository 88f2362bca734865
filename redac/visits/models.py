"""Audience tables: per-page and site-wide daily series, referrer domains, popularity, and the
day's hashed visitor keys used to count each visitor once.

No row here holds an IP address, a User-Agent or anything derived from them except
``SeenVisitor.key``: an HMAC under a secret that is never stored in the database and is replaced
every day, so that yesterday's keys cannot be linked to anyone (docs/privacy.md). Those keys are
deleted once their day is over.

Every counter is updated with SQL increments (``INSERT ... ON CONFLICT DO UPDATE SET n = n + ...``)
in the batch transaction of ``redac.visits.services.record_hits``, never read-modify-write, so that
several server processes never lose an update.
"""

from __future__ import annotations

import math
import time

from django.db import models
from django.utils.translation import gettext_lazy as _

#: SPIP's popularity: each visit adds ln 2 / 0.5 points, and the score halves every 12 hours, so
#: that a steady rate of one visit per day gives a score of about one (SPIP inc/popularites.php).
POPULARITY_POINTS_PER_VISIT = math.log(2) / 0.5
POPULARITY_HALF_LIFE_SECONDS = 12 * 3600
#: 0.5 ** 1000 ~ 1e-301 is zero for any purpose, and still a normal double (PostgreSQL raises
#: "value out of range: underflow" beyond): a score untouched for 500 days is capped there.
MAX_HALVINGS = 1000


class DailyPageVisits(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    day = models.DateField(_("jour"))
    visits = models.PositiveIntegerField(_("visites"), default=0)

    class Meta:
        verbose_name = _("visites d'une page par jour")
        verbose_name_plural = _("visites des pages par jour")
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="visits_daily_page_day_unique")
        ]
        indexes = [models.Index(fields=["day"], name="visits_daily_page_day_idx")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.visits}"


class DailySiteVisits(models.Model):
    day = models.DateField(_("jour"), unique=True)
    visits = models.PositiveIntegerField(_("visites"), default=0)

    class Meta:
        verbose_name = _("visites du site par jour")
        verbose_name_plural = _("visites du site par jour")

    def __str__(self) -> str:
        return f"{self.day}: {self.visits}"


class DailyReferrer(models.Model):
    """Where readers came from, as a domain: ``lemonde.fr``, or a group label for search engines
    (« Moteurs de recherche : Google ») and the site's own pages (« Navigation interne »)."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    day = models.DateField(_("jour"))
    domain = models.CharField(_("provenance"), max_length=120)
    visits = models.PositiveIntegerField(_("visites"), default=0)

    class Meta:
        verbose_name = _("provenance par jour")
        verbose_name_plural = _("provenances par jour")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "day", "domain"], name="visits_referrer_page_day_domain_unique"
            )
        ]
        indexes = [models.Index(fields=["day"], name="visits_referrer_day_idx")]

    def __str__(self) -> str:
        return f"{self.domain} {self.day}: {self.visits}"


class PageStatsQuerySet(models.QuerySet):
    def with_current_popularity(self, now: float | None = None):
        """Annotates ``popularity``: the stored score decayed to ``now``, computed in SQL so that
        ordering by it needs no Python pass over every page."""
        now = time.time() if now is None else now
        halvings = (models.Value(now) - models.F("updated_ts")) / models.Value(
            float(POPULARITY_HALF_LIFE_SECONDS)
        )
        capped = models.Case(
            models.When(
                models.Q(updated_ts__lt=now - MAX_HALVINGS * POPULARITY_HALF_LIFE_SECONDS),
                then=models.Value(float(MAX_HALVINGS)),
            ),
            default=halvings,
            output_field=models.FloatField(),
        )
        decay = models.Func(
            models.Value(0.5), capped, function="POWER", output_field=models.FloatField()
        )
        return self.annotate(popularity=models.F("score") * decay)


#: Who may read the statistics (declared on PageStats below; the roles give it, redac.newsroom).
STATISTICS_PERMISSION = "visits.view_statistics"


class PageStats(models.Model):
    """Per-page totals: all-time visits (the same number as the page's ``visit_count``, kept here
    too so that rankings across page types are one query) and SPIP's popularity score, stored as
    (score at ``updated_ts``) and decayed on read and on each increment."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+",
        verbose_name=_("page"),
    )  # fmt: skip
    total = models.PositiveBigIntegerField(_("visites"), default=0)
    score = models.FloatField(_("popularité (brute)"), default=0.0)
    updated_ts = models.FloatField(_("horodatage du score"), default=0.0)

    objects = PageStatsQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistiques d'une page")
        verbose_name_plural = _("statistiques des pages")
        permissions = [("view_statistics", "Peut consulter les statistiques de visites")]

    def __str__(self) -> str:
        return f"{self.page_id}: {self.total}"

    def popularity_at(self, now: float | None = None) -> float:
        now = time.time() if now is None else now
        return self.score * 0.5 ** ((now - self.updated_ts) / POPULARITY_HALF_LIFE_SECONDS)


class SeenVisitor(models.Model):
    """Today's visitor keys: HMAC(daily secret, truncated IP + User-Agent + page), truncated to
    128 bits. Inserting with ON CONFLICT DO NOTHING tells every server process, in the batch
    transaction, whether this visitor was already counted on this page today."""

    day = models.DateField()
    key = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "key"], name="visits_seen_day_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.key}"
