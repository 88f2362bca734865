from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redac.core.mail import queue_mail, site_name

from .models import CONSENT_TEXT, CONSENT_VERSION, UNCONFIRMED_RETENTION, Subscriber, hash_token

#: A pending address gets at most one confirmation mail per this delay (no mail-bombing a third
#: party through the form).
RESEND_DELAY = dt.timedelta(minutes=10)


def absolute(path: str) -> str:
    """Links in mails are built from the configured site URL, never from the request's Host
    header (security case 27: host-header poisoning)."""
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def subscribe(email: str) -> None:
    """Ask ``email``'s owner to confirm. Does the same visible thing whatever the address's
    state: the caller shows one message for all (no "already subscribed" enumeration)."""
    email = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    now = timezone.now()
    if subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED:
        return
    if subscriber is None:
        subscriber = Subscriber(email=email, unsubscribe_token=Subscriber.new_unsubscribe_token())
    elif subscriber.confirm_sent_at and now - subscriber.confirm_sent_at < RESEND_DELAY:
        return
    subscriber.consent_version, subscriber.consent_text = CONSENT_VERSION, CONSENT_TEXT
    token = subscriber.new_confirm_token()
    subscriber.save()
    link = absolute(reverse("newsletter:confirm", args=[token]))
    body = "\n".join([
        "Bonjour,", "",
        f"Quelqu'un (vous, sans doute) a demandé à recevoir la lettre d'information de {site_name()} "
        "à cette adresse.", "",
        "Pour confirmer, ouvrez ce lien dans les 7 jours :", link, "",
        "Si vous n'avez rien demandé, ignorez ce message : votre adresse sera effacée dans 7 "
        "jours et vous ne recevrez rien.",
    ])  # fmt: skip
    queue_mail(to=[email], subject=f"Confirmez votre inscription à la lettre de {site_name()}",
               body=body, kind="newsletter")  # fmt: skip


def pending_for_token(token: str) -> Subscriber | None:
    if not token or len(token) > 100:
        return None
    return Subscriber.objects.filter(
        confirm_token_hash=hash_token(token), status=Subscriber.Status.PENDING,
        confirm_sent_at__gte=timezone.now() - UNCONFIRMED_RETENTION,
    ).first()  # fmt: skip


def confirm(token: str) -> Subscriber | None:
    subscriber = pending_for_token(token)
    if subscriber is None:
        return None
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.confirm_token_hash = ""  # single use
    subscriber.save(update_fields=["status", "confirmed_at", "confirm_token_hash"])
    return subscriber


def by_unsubscribe_token(token: str) -> Subscriber | None:
    if not token or len(token) > 100:
        return None
    return Subscriber.objects.filter(unsubscribe_token=token).first()


def unsubscribe(token: str) -> bool:
    """Remove the address from the list, and from the database: nothing is kept after it."""
    subscriber = by_unsubscribe_token(token)
    if subscriber is None:
        return False
    subscriber.delete()
    return True


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("newsletter:unsubscribe", args=[subscriber.unsubscribe_token]))


def purge_unconfirmed(now=None) -> int:
    now = now or timezone.now()
    count, _ = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, created_at__lt=now - UNCONFIRMED_RETENTION
    ).delete()
    return count
