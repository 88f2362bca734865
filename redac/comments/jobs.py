"""Background jobs of the comments app, run by ``redac worker`` (see redac.core.jobs)."""

from redac.core.jobs import periodic

from . import services


@periodic("comments.purge_ips", every=3600)
def purge_commenter_ips() -> None:
    """Erase commenters' IP addresses after the one-year legal retention (décret 2021-1362)."""
    services.purge_expired_ips()
