"""Background jobs of the visits app, run by ``redac worker`` (redac.core.jobs)."""

from redac.core.jobs import periodic

from .services import purge_visits


@periodic("visits.retention", every=6 * 3600)
def purge_old_visit_data() -> None:
    """CNIL exemption: daily series and referrers older than 25 months are deleted (docs/privacy.md).
    Runs at every worker start and every six hours; deleting nothing is cheap."""
    purge_visits()
