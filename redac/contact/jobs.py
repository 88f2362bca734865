"""Background jobs of the contact app, run by ``redac worker`` (see redac.core.jobs)."""

from __future__ import annotations

from redac.core.jobs import periodic

from . import services


@periodic("contact.purge", every=3600)
def purge_messages() -> None:
    """Delete contact messages older than REDAC_CONTACT_RETENTION_DAYS (GDPR storage limitation)."""
    services.purge_expired_messages()
