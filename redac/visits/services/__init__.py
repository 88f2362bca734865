"""Writing and reading audience figures, one module per concern: :mod:`.recording` (beacons
become counters), :mod:`.reports` (series, rankings, « Les plus lus »), :mod:`.retention` (what
the CNIL exemption allows to keep), :mod:`.history` (visit history imported from SPIP).
Everything is importable from here (``from redac.visits.services import record_hits``)."""

from .history import PageHistory, _own_hosts, import_histories, import_history, import_site_history
from .recording import (
    Hit,
    _add_counts,
    _add_to_page_stats,
    _chunks,
    _day,
    _new_visitors,
    _qn,
    counter_model_for,
    record_hits,
    visit_total,
)
from .reports import (
    MOST_READ_PAGE_TYPES,
    daily_series,
    monthly_series,
    most_read,
    popular_pages,
    top_pages,
    top_referrers,
    top_sections,
    visits_by_page,
)
from .retention import purge_visits, retention_cutoff

__all__ = [
    "MOST_READ_PAGE_TYPES",
    "Hit",
    "PageHistory",
    "_add_counts",
    "_add_to_page_stats",
    "_chunks",
    "_day",
    "_new_visitors",
    "_own_hosts",
    "_qn",
    "counter_model_for",
    "daily_series",
    "import_histories",
    "import_history",
    "import_site_history",
    "monthly_series",
    "most_read",
    "popular_pages",
    "purge_visits",
    "record_hits",
    "retention_cutoff",
    "top_pages",
    "top_referrers",
    "top_sections",
    "visit_total",
    "visits_by_page",
]
