"""Background jobs of the newsletter app, run by ``redac worker`` (see redac.core.jobs)."""

from redac.core.jobs import periodic

from . import services


@periodic("newsletter.purge_unconfirmed", every=3600)
def purge_unconfirmed_subscribers() -> None:
    """Erase addresses never confirmed within 7 days (double opt-in left unanswered)."""
    services.purge_unconfirmed()
