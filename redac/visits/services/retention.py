"""What the CNIL exemption allows to keep, and deleting the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import DailyPageVisits, DailyReferrer, DailySiteVisits, SeenVisitor


def retention_cutoff(today: dt.date, months: int) -> dt.date:
    """The first day kept: the same day of the month ``months`` months ago (clamped to 28)."""
    month_index = today.year * 12 + (today.month - 1) - months
    return dt.date(month_index // 12, month_index % 12 + 1, min(today.day, 28))


def purge_visits(today: dt.date | None = None) -> dict[str, int]:
    """Delete what the CNIL exemption does not allow to keep: daily series and referrers older
    than ``VISITS_RETENTION_MONTHS`` (25 at most), visitor keys of past days, old daily secrets.
    Totals and popularity are anonymous aggregates and stay (SPIP keeps them too)."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, settings.VISITS_RETENTION_MONTHS)
    with transaction.atomic():
        deleted = {
            "daily_pages": DailyPageVisits.objects.filter(day__lt=cutoff).delete()[0],
            "daily_site": DailySiteVisits.objects.filter(day__lt=cutoff).delete()[0],
            "referrers": DailyReferrer.objects.filter(day__lt=cutoff).delete()[0],
            "visitor_keys": SeenVisitor.objects.filter(day__lt=today).delete()[0],
        }
    run_dir = Path(settings.DATA_DIR) / "run"
    for secret in run_dir.glob("visits-secret-*"):
        if secret.name < f"visits-secret-{today.isoformat()}":
            secret.unlink(missing_ok=True)
    return deleted
