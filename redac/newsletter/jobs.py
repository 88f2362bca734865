"""Background jobs of the newsletter app, run by ``redac worker`` (see redac.core.jobs)."""

from redac.core.jobs import periodic

from . import sending, services


@periodic("newsletter.purge_unconfirmed", every=3600)
def purge_unconfirmed_subscribers() -> None:
    """Erase addresses never confirmed within 7 days (double opt-in left unanswered)."""
    services.purge_unconfirmed()


@periodic("newsletter.send", every=5)
def send_letters() -> None:
    """Start the letters whose scheduled time has come and send one batch of each letter being
    sent (REDAC_NEWSLETTER_BATCH mails at REDAC_NEWSLETTER_RATE a second). Safe to overlap: a
    batch holds its letter's lease."""
    sending.send_due_letters()
