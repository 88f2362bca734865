"""Background jobs of the petitions app, run by ``redac worker`` (see redac.core.jobs)."""

from redac.core.jobs import periodic

from . import services


@periodic("petitions.purge", every=3600)
def purge_signatures() -> None:
    """Erase unconfirmed signatures after 7 days, confirmed ones REDAC_PETITION_RETENTION_DAYS
    after their petition closed (GDPR storage limitation)."""
    services.purge()
