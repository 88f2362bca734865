"""The mail outbox: every e-mail the site sends is queued in the database (``core.OutgoingMail``)
in the transaction that decides it, then sent by ``redac worker`` (or ``redac send_outbox``).

Delivery guarantee, honestly stated: every queued mail is delivered **at least once and, in
practice, exactly once**. Each mail is claimed by one worker with an atomic conditional UPDATE
(``status`` pending/failed/stale-sending -> sending, with a fresh claim token), sent over SMTP, and
marked sent by the same token immediately after the server's 250. The only window for a duplicate
is a crash *between* the server's acceptance and that one-row UPDATE (milliseconds); after such a
crash the claim goes stale (``REDAC_OUTBOX_CLAIM_SECONDS``) and the mail is sent again with the
**same Message-ID**, which mail clients and MTAs use to de-duplicate. Closing that window entirely
would need a two-phase commit with the SMTP server, which SMTP does not offer (RFC 1047).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def split_addresses(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def queue_mail(*, to: list[str], subject: str, body: str, reply_to: str = "", kind: str,
               source_id: int | None = None) -> OutgoingMail:  # fmt: skip
    """Put one plain-text mail in the outbox (in the caller's transaction: what the mail tells
    and the mail are committed together or not at all). ``kind`` and ``source_id`` say what the
    mail is about (a contact message: ``"contact"`` and its pk)."""
    subject = " ".join(subject.split())[:200]  # one line, whatever the caller passed
    return OutgoingMail.objects.create(
        to=", ".join(to), subject=subject, body=body, reply_to=reply_to, kind=kind,
        source_id=source_id,
    )  # fmt: skip


def site_name() -> str:
    from wagtail.models import Site

    from .models import SiteIdentity

    site = Site.objects.filter(is_default_site=True).first()
    return SiteIdentity.for_site(site).name if site else "redac"


# --- Sending# --- Sending ---------------------------------------------------------------------------------------


def _due(now):
    stale = now - dt.timedelta(seconds=settings.REDAC_OUTBOX_CLAIM_SECONDS)
    return Q(
        status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.FAILED],
        next_attempt_at__lte=now,
    ) | Q(status=OutgoingMail.Status.SENDING, claimed_at__lt=stale)


def claim_next(now=None) -> OutgoingMail | None:
    """Claim the next due mail for this worker, or None. The claim is one conditional UPDATE: of
    two workers racing for the same row, exactly one sees ``rowcount == 1``."""
    now = now or timezone.now()
    for pk in (
        OutgoingMail.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:20]
    ):
        token = secrets.token_hex(16)
        claimed = OutgoingMail.objects.filter(_due(now), pk=pk).update(
            status=OutgoingMail.Status.SENDING, claim_token=token, claimed_at=now
        )
        if claimed:
            return OutgoingMail.objects.get(pk=pk)
    return None


def sender() -> str:
    """The From: of the site's mails: REDAC_DEFAULT_FROM_EMAIL, named after the site identity
    (« Le Journal <noreply@…> ») unless the operator gave it a name of its own."""
    from email.utils import formataddr, parseaddr

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if name or not address:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((site_name(), address))


def site_contact_address() -> str:
    """The site identity's public contact address ("" when none): Reply-To of the site's mails
    to its staff (invitations, workflow notices)."""
    from wagtail.models import Site

    from .models import SiteIdentity

    site = Site.objects.filter(is_default_site=True).first()
    return SiteIdentity.for_site(site).contact_email if site else ""


def build_email(mail: OutgoingMail, connection=None) -> EmailMessage:
    """A plain-text mail with the fixed From; the reader only ever appears in Reply-To, after
    validation (security case 3)."""
    return EmailMessage(
        subject=mail.subject, body=mail.body, from_email=sender(),
        to=split_addresses(mail.to), reply_to=[mail.reply_to] if mail.reply_to else None,
        headers={"Message-ID": mail.message_id, "Auto-Submitted": "auto-generated"},
        connection=connection,
    )  # fmt: skip


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, (BadHeaderError, ValueError)):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _record_failure(mail: OutgoingMail, exc: Exception, now) -> None:
    attempts = mail.attempts + 1
    abandoned = _is_permanent(exc) or now - mail.created_at > OutgoingMail.MAX_AGE
    delay = min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)
    OutgoingMail.objects.filter(pk=mail.pk, claim_token=mail.claim_token).update(
        status=OutgoingMail.Status.ABANDONED if abandoned else OutgoingMail.Status.FAILED,
        attempts=attempts, next_attempt_at=now + dt.timedelta(seconds=delay), claim_token="",
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )  # fmt: skip
    log = logger.error if abandoned else logger.warning
    log("outbox: mail %s not sent (attempt %s): %s", mail.pk, attempts, exc)


def send_pending_mail(*, limit: int = 200, connection=None) -> int:
    """Send due mails one by one over one SMTP connection; returns how many were sent.

    Idempotent and safe to run twice at once (each mail is claimed by exactly one run). One SMTP
    transaction per mail, marked sent right after the server accepts it: the duplicate window is
    that single UPDATE.
    """
    sent = 0
    connection = connection or get_connection()
    opened = False
    try:
        for _ in range(limit):
            mail = claim_next()
            if mail is None:
                break
            now = timezone.now()
            try:
                if not opened:
                    connection.open()
                    opened = True
                delivered = connection.send_messages([build_email(mail)])
                if delivered != 1:
                    raise smtplib.SMTPException("the mail backend reported nothing sent")
            except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
                _record_failure(mail, exc, now)
                if not isinstance(exc, (BadHeaderError, ValueError)):
                    # The connection is suspect: stop this run, the next one retries.
                    break
                continue
            OutgoingMail.objects.filter(pk=mail.pk, claim_token=mail.claim_token).update(
                status=OutgoingMail.Status.SENT, sent_at=timezone.now(), claim_token="",
                attempts=mail.attempts + 1, last_error="",
            )  # fmt: skip
            sent += 1
    finally:
        if opened:
            try:
                connection.close()
            except Exception:  # noqa: BLE001,S110 - closing a dead connection is not an error
                pass
    return sent


# --- Retention -----------------------------------------------------------------------------------


def purge_old_mail(now=None) -> int:
    """Delete sent or abandoned mails of any kind after ``REDAC_CONTACT_RETENTION_DAYS`` (what
    they carried is personal data too: GDPR storage limitation)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REDAC_CONTACT_RETENTION_DAYS)
    return OutgoingMail.objects.filter(
        created_at__lt=cutoff, status__in=[OutgoingMail.Status.SENT, OutgoingMail.Status.ABANDONED]
    ).delete()[0]
