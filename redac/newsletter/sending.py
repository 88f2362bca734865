"""Sending a letter: the send table, batches at a configured rate, exactly once across crashes.

When a send starts, one ``Delivery`` row per confirmed subscriber of the list is created (with its
``Message-ID``), in one transaction with the letter's move to ``sending``: who gets the letter is
decided once. The background worker (``redac worker``, job ``newsletter.send``) then sends batches
of ``REDAC_NEWSLETTER_BATCH`` pending rows, at most ``REDAC_NEWSLETTER_RATE`` messages a second,
each mail rendered at that moment (no stored bodies: 50,000 recipients cost 50,000 small rows).

Exactly once, honestly stated. Each row is marked ``sent`` by one UPDATE, committed on its own,
right after the SMTP server's 250 for that mail: the send table is always "every row marked sent
was accepted by the server". A crash (kill -9, power cut, a restart) between two mails loses
nothing and duplicates nothing: the next batch starts at the first row still pending. The one
remaining window is a crash *between* the server's 250 and that UPDATE's commit (a few
milliseconds per mail): that single mail is sent again after the restart, with the **same
Message-ID**, which mail servers and clients use to drop the copy. SMTP has no two-phase commit
(RFC 1047), so no sender can close that window entirely.

One batch at a time per letter: a batch holds the letter's lease (``claim_token``,
``claimed_until``: one conditional UPDATE), so a background worker taking over while another is
still finishing a batch does not send the same rows twice. After a crash the lease expires after
``REDAC_OUTBOX_CLAIM_SECONDS``, and the send resumes.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import time
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from redac.core.mail import site_name

from . import archive
from .models import Delivery, Letter, NewsletterList, Subscriber, Subscription

logger = logging.getLogger(__name__)

#: How often (in mails) a batch re-reads its letter's state: a pause or a cancellation takes
#: effect within this many mails.
STATE_CHECK_EVERY = 20
_UNSUBSCRIBE_SALT = "redac.newsletter.unsubscribe"


def absolute(path: str) -> str:
    """Links in mails come from REDAC_SITE_URL, never from a request (security case 27)."""
    return settings.SITE_URL.rstrip("/") + path


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "redac.invalid"


# --- Personal links --------------------------------------------------------------------------------


def unsubscribe_token(subscriber: Subscriber, newsletter_list: NewsletterList) -> str:
    """The signed, personal part of a letter's unsubscribe link: this address, this list. It
    carries the subscriber's random token (not the address), so it dies with the erasure."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign_object(
        [subscriber.unsubscribe_token, newsletter_list.pk]
    )


def read_unsubscribe_token(value: str) -> tuple[Subscriber, NewsletterList] | None:
    if not value or len(value) > 300:
        return None
    try:
        token, list_pk = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    subscriber = Subscriber.objects.filter(unsubscribe_token=str(token)).first()
    newsletter_list = NewsletterList.objects.filter(pk=list_pk).first()
    if subscriber is None or newsletter_list is None:
        return None
    return subscriber, newsletter_list


def list_unsubscribe_url(subscriber: Subscriber, newsletter_list: NewsletterList) -> str:
    return absolute(
        reverse("newsletter:leave", args=[unsubscribe_token(subscriber, newsletter_list)])
    )


# --- Who gets it -----------------------------------------------------------------------------------


def recipients(newsletter_list: NewsletterList):
    """Subscribers who confirmed this list and whose address still takes mail (no hard bounce,
    fewer soft bounces in a row than REDAC_NEWSLETTER_SOFT_BOUNCES)."""
    return Subscriber.objects.filter(
        subscriptions__list=newsletter_list,
        subscriptions__status=Subscription.Status.CONFIRMED,
        hard_bounced_at__isnull=True,
        soft_bounces__lt=settings.REDAC_NEWSLETTER_SOFT_BOUNCES,
    )


def message_id_domain(newsletter_list: NewsletterList) -> str:
    return parseaddr(sender_address(newsletter_list))[1].rsplit("@", 1)[-1] or site_domain()


def new_message_id(letter: Letter, subscriber_pk: int, domain: str = "") -> str:
    domain = domain or message_id_domain(letter.list)
    return f"<lettre{letter.pk}.{subscriber_pk}.{secrets.token_hex(6)}@{domain}>"


def start_sending(letter: Letter, now=None) -> bool:
    """Create the send table and move the letter to ``sending``; False if it cannot start
    (already started, sent or cancelled)."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("list").get(pk=letter.pk)
        if letter.status not in (Letter.Status.DRAFT, Letter.Status.SCHEDULED):
            return False
        domain = message_id_domain(letter.list)
        Delivery.objects.bulk_create(
            (
                Delivery(
                    letter=letter, subscriber_id=pk, message_id=new_message_id(letter, pk, domain)
                )  # fmt: skip
                for pk in recipients(letter.list).values_list("pk", flat=True).iterator()
            ),
            batch_size=1000,
            ignore_conflicts=True,
        )
        letter.status, letter.started_at = Letter.Status.SENDING, now
        letter.save(update_fields=["status", "started_at"])
    return True


# --- The mail --------------------------------------------------------------------------------------


def sender_address(newsletter_list: NewsletterList) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    address = newsletter_list.sender_email or address
    return formataddr((newsletter_list.sender_name or name or site_name(), address))


def _intro(page) -> str:
    text = getattr(page, "descriptif", "") or page.search_description or ""
    if not text:
        text = strip_tags(getattr(page, "chapo", "") or "")
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:399].rsplit(" ", 1)[0] + " …"


def _image(page) -> dict | None:
    image = getattr(page, "lead_image", None)
    if image is None:
        return None
    try:
        rendition = image.get_rendition("fill-560x280")
    except Exception:  # noqa: BLE001 - a missing file costs the picture, never the letter
        logger.warning("newsletter: no rendition for image %s", image.pk, exc_info=True)
        return None
    url = rendition.url if "://" in rendition.url else absolute(rendition.url)
    return {"url": url, "alt": getattr(image, "default_alt_text", "") or image.title,
            "width": rendition.width, "height": rendition.height}  # fmt: skip


def letter_items(letter: Letter) -> list[dict]:
    """What every copy of the letter shows of its articles and brèves (computed once a batch)."""
    items = []
    for item in letter.letter_items.select_related("page"):
        page = item.page.specific
        kind = "Brève" if type(page).__name__ == "BrevePage" else "Article"
        items.append({"title": page.title, "url": absolute(page.url or "/"), "kind": kind,
                      "intro": _intro(page), "image": _image(page)})  # fmt: skip
    return items


def letter_context(letter: Letter) -> dict:
    return {"letter": letter, "items": letter_items(letter), "site_name": site_name(),
            "from_email": sender_address(letter.list), "list_domain": site_domain(),
            "site_url": settings.SITE_URL.rstrip("/"),
            "editorial_paragraphs": [p.strip() for p in letter.editorial.split("\n\n") if p.strip()]}  # fmt: skip


def build_message(letter: Letter, subscriber: Subscriber, message_id: str, shared: dict,
                  connection=None) -> EmailMultiAlternatives:  # fmt: skip
    """One recipient's mail: plain text and HTML (tables, inline CSS), with their own unsubscribe
    link and the RFC 2369 / RFC 8058 / RFC 2919 headers. No tracking pixel, no rewritten link."""
    leave = list_unsubscribe_url(subscriber, letter.list)
    context = {**shared, "unsubscribe_url": leave}
    message = EmailMultiAlternatives(
        subject=letter.subject,
        body=render_to_string("newsletter/mail/letter.txt", context),
        from_email=shared.get("from_email") or sender_address(letter.list),
        to=[subscriber.email],
        headers={
            "Message-ID": message_id,
            "List-Id": f"{letter.list.slug} <{letter.list.slug}.{shared['list_domain']}>",
            "List-Unsubscribe": f"<{leave}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )
    message.attach_alternative(render_to_string("newsletter/mail/letter.html", context),
                               "text/html")  # fmt: skip
    return message


def send_test(letter: Letter, email: str, connection=None) -> None:
    """The letter as a subscriber gets it, sent to ``email`` (its links are real but lead to an
    invalid page for an address that is not on the list)."""
    probe = Subscriber(email=email, unsubscribe_token=secrets.token_urlsafe(32))
    message = build_message(letter, probe, new_message_id(letter, 0), letter_context(letter),
                            connection=connection or get_connection())  # fmt: skip
    message.subject = f"[Essai] {letter.subject}"
    message.send()


# --- Batches ---------------------------------------------------------------------------------------


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _claim(letter: Letter, now) -> str | None:
    token = secrets.token_hex(16)
    claimed = (
        Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claim_token=token, claimed_until=now + dt.timedelta(
            seconds=settings.REDAC_OUTBOX_CLAIM_SECONDS))
    )  # fmt: skip
    return token if claimed else None


def _finish_if_done(letter: Letter) -> None:
    if not Delivery.objects.filter(letter=letter, state=Delivery.State.PENDING).exists():
        finished = Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENDING).update(
            status=Letter.Status.SENT, finished_at=timezone.now()
        )
        if finished:
            archive.archive_changed(Letter)  # the public archive now lists it


def send_batch(letter: Letter, *, connection=None, now=None, limit: int | None = None) -> int:
    """Send the next batch of ``letter``'s pending rows; returns how many the server accepted.
    Returns 0 at once if another batch holds the letter's lease or the letter is not sending."""
    now = now or timezone.now()
    token = _claim(letter, now)
    if token is None:
        return 0
    sent = 0
    connection = connection or get_connection()
    opened = False
    try:
        letter = Letter.objects.select_related("list").get(pk=letter.pk)
        limit = limit or settings.REDAC_NEWSLETTER_BATCH
        rate = settings.REDAC_NEWSLETTER_RATE
        rows = list(
            Delivery.objects.filter(letter=letter, state=Delivery.State.PENDING)
            .select_related("subscriber").order_by("pk")[:limit]
        )  # fmt: skip
        if not rows:
            _finish_if_done(letter)
            return 0
        still_on_list = set(
            Subscription.objects.filter(
                list=letter.list, status=Subscription.Status.CONFIRMED,
                subscriber_id__in=[row.subscriber_id for row in rows],
            ).values_list("subscriber_id", flat=True)
        )  # fmt: skip
        shared = letter_context(letter)
        started = time.monotonic()
        for index, row in enumerate(rows):
            if index and index % STATE_CHECK_EVERY == 0:
                if not Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENDING).exists():
                    break  # paused or cancelled meanwhile
            if row.subscriber_id not in still_on_list:  # left the list since the send started
                Delivery.objects.filter(pk=row.pk, state=Delivery.State.PENDING).update(
                    state=Delivery.State.FAILED, error="désinscrit avant l'envoi"
                )
                continue
            if rate:
                ahead = started + index / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            try:
                if not opened:
                    connection.open()
                    opened = True
                message = build_message(letter, row.subscriber, row.message_id, shared)
                if connection.send_messages([message]) != 1:
                    raise smtplib.SMTPException("the mail backend reported nothing sent")
            except Exception as exc:  # noqa: BLE001 - recorded; the row stays pending unless refused
                if _is_permanent(exc):
                    Delivery.objects.filter(pk=row.pk, state=Delivery.State.PENDING).update(
                        state=Delivery.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
                    )
                    continue
                logger.warning("newsletter: letter %s paused at row %s: %s", letter.pk, row.pk,
                               exc)  # fmt: skip
                break  # the connection is suspect: the next batch retries this row
            # The server said 250: record it at once, in its own committed UPDATE (the duplicate
            # window of the module docstring is this statement).
            Delivery.objects.filter(pk=row.pk, state=Delivery.State.PENDING).update(
                state=Delivery.State.SENT, sent_at=timezone.now(), error=""
            )
            sent += 1
        _finish_if_done(letter)
    finally:
        Letter.objects.filter(pk=letter.pk, claim_token=token).update(claim_token="",
                                                                      claimed_until=None)  # fmt: skip
        if opened:
            try:
                connection.close()
            except Exception:  # noqa: BLE001,S110 - closing a dead connection is not an error
                pass
    return sent


def send_due_letters(*, connection=None, now=None) -> int:
    """What the background job does: start the scheduled letters whose time has come, then send
    one batch of each letter being sent."""
    now = now or timezone.now()
    for letter in Letter.objects.filter(status=Letter.Status.SCHEDULED, scheduled_at__lte=now):
        start_sending(letter, now)
    return sum(send_batch(letter, connection=connection, now=now)
               for letter in Letter.objects.filter(status=Letter.Status.SENDING))  # fmt: skip


# --- Pause, resume, cancel, progress ---------------------------------------------------------------


def pause(letter: Letter) -> bool:
    return bool(Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENDING)
                .update(status=Letter.Status.PAUSED))  # fmt: skip


def resume(letter: Letter) -> bool:
    return bool(Letter.objects.filter(pk=letter.pk, status=Letter.Status.PAUSED)
                .update(status=Letter.Status.SENDING))  # fmt: skip


def cancel(letter: Letter) -> bool:
    """Stop for good: the rows still pending are never sent (a batch under way stops within
    STATE_CHECK_EVERY mails)."""
    active = [Letter.Status.DRAFT, Letter.Status.SCHEDULED, Letter.Status.SENDING,
              Letter.Status.PAUSED]  # fmt: skip
    return bool(Letter.objects.filter(pk=letter.pk, status__in=active)
                .update(status=Letter.Status.CANCELLED, finished_at=timezone.now()))  # fmt: skip


def progress(letter: Letter) -> dict[str, int]:
    counts = dict.fromkeys(Delivery.State.values, 0)
    for row in (
        Delivery.objects.filter(letter=letter).values("state").annotate(n=Count("pk")).order_by()
    ):
        counts[row["state"]] = row["n"]
    return {"sent": counts["sent"], "remaining": counts["pending"], "failed": counts["failed"]}
