"""The invalidation outbox: every purge of the page cache is written here in the same transaction
as the change that causes it (redac.delivery.outbox)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Invalidation(models.Model):
    """One purge: exact paths, prefixes, or everything. ``applied_at`` is set once the shared
    store (or, on one node, the local cache) has taken it; until then readers are served these
    paths from no layer. Each node's static folder applies every row itself (``redac worker``)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    applied_at = models.DateTimeField(null=True, blank=True, db_index=True)
    paths = models.JSONField(default=list)
    prefixes = models.JSONField(default=list)
    everything = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    #: The node (host and data folder) whose process wrote it and applied its local layers.
    origin = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invalidation du cache")
        verbose_name_plural = _("invalidations du cache")

    def __str__(self):
        what = (
            "tout"
            if self.everything
            else ", ".join([*self.paths, *(p + "*" for p in self.prefixes)])
        )
        return f"{what[:80]} ({'appliquée' if self.applied_at else 'en attente'})"

    def names(self, path: str) -> bool:
        return self.everything or path in self.paths or path.startswith(tuple(self.prefixes))
