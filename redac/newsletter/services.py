from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redac.core.mail import queue_mail, site_name

from .models import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    UNCONFIRMED_RETENTION,
    NewsletterList,
    Subscriber,
    Subscription,
    hash_token,
)

DEFAULT_LIST_SLUG = "lettre-d-information"

#: A pending address gets at most one confirmation mail per this delay (no mail-bombing a third
#: party through the form).
RESEND_DELAY = dt.timedelta(minutes=10)


def absolute(path: str) -> str:
    """Links in mails are built from the configured site URL, never from the request's Host
    header (security case 27: host-header poisoning)."""
    return settings.SITE_URL.rstrip("/") + path


def default_list() -> NewsletterList:
    """The list of the sign-ups made before lists existed (migration 0004), created if needed."""
    return NewsletterList.objects.get_or_create(
        slug=DEFAULT_LIST_SLUG, defaults={"name": "Lettre d'information"}
    )[0]


def public_lists() -> list[NewsletterList]:
    lists = list(NewsletterList.objects.filter(public=True))
    return lists or [default_list()]


@transaction.atomic
def subscribe(email: str, lists: list[NewsletterList] | None = None) -> None:
    """Ask ``email``'s owner to confirm each of ``lists`` (the default list when None): one mail
    with one confirmation link per list not yet confirmed. Does the same visible thing whatever
    the address's state: the caller shows one message for all (no "already subscribed"
    enumeration)."""
    email = email.strip().lower()
    lists = lists or [default_list()]
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    now = timezone.now()
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            email=email, unsubscribe_token=Subscriber.new_unsubscribe_token(),
            consent_version=CONSENT_VERSION, consent_text=CONSENT_TEXT,
        )  # fmt: skip
    links = []
    for newsletter_list in lists:
        subscription, _ = Subscription.objects.get_or_create(
            subscriber=subscriber, list=newsletter_list,
            defaults={"consent_version": CONSENT_VERSION, "consent_text": CONSENT_TEXT},
        )  # fmt: skip
        if subscription.status == Subscription.Status.CONFIRMED:
            continue
        if subscription.confirm_sent_at and now - subscription.confirm_sent_at < RESEND_DELAY:
            continue
        subscription.consent_version, subscription.consent_text = CONSENT_VERSION, CONSENT_TEXT
        token = subscription.new_confirm_token()
        subscription.save()
        links.append((newsletter_list.name, absolute(reverse("newsletter:confirm", args=[token]))))
    if not links:
        return
    lines = ["Bonjour,", "",
             f"Quelqu'un (vous, sans doute) a demandé à recevoir la lettre d'information de "
             f"{site_name()} à cette adresse.", "",
             "Pour confirmer, ouvrez ce lien dans les 7 jours :" if len(links) == 1 else
             "Pour confirmer, ouvrez dans les 7 jours le lien de chaque liste que vous voulez "
             "recevoir :"]  # fmt: skip
    for name, link in links:
        lines += [link] if len(links) == 1 else ["", f"« {name} » :", link]
    lines += ["", "Si vous n'avez rien demandé, ignorez ce message : votre adresse sera effacée "
                  "dans 7 jours et vous ne recevrez rien."]  # fmt: skip
    queue_mail(to=[email], subject=f"Confirmez votre inscription à la lettre de {site_name()}",
               body="\n".join(lines), kind="newsletter")  # fmt: skip


def pending_for_token(token: str) -> Subscription | None:
    if not token or len(token) > 100:
        return None
    return (
        Subscription.objects.select_related("subscriber", "list")
        .filter(
            confirm_token_hash=hash_token(token),
            status=Subscription.Status.PENDING,
            confirm_sent_at__gte=timezone.now() - UNCONFIRMED_RETENTION,
        )  # fmt: skip
        .first()
    )


@transaction.atomic
def confirm(token: str) -> Subscription | None:
    """Confirm the one subscription the token was sent for; the address counts as confirmed
    from its first confirmed list on."""
    subscription = pending_for_token(token)
    if subscription is None:
        return None
    now = timezone.now()
    subscription.status = Subscription.Status.CONFIRMED
    subscription.confirmed_at = now
    subscription.confirm_token_hash = ""  # single use
    subscription.save(update_fields=["status", "confirmed_at", "confirm_token_hash"])
    subscriber = subscription.subscriber
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status, subscriber.confirmed_at = Subscriber.Status.CONFIRMED, now
        subscriber.consent_version = subscription.consent_version
        subscriber.consent_text = subscription.consent_text
        subscriber.save(update_fields=["status", "confirmed_at", "consent_version", "consent_text"])
    return subscription


def by_unsubscribe_token(token: str) -> Subscriber | None:
    if not token or len(token) > 100:
        return None
    return Subscriber.objects.filter(unsubscribe_token=token).first()


def unsubscribe(token: str) -> bool:
    """Leave every list: the address is erased from the database, nothing is kept after it."""
    subscriber = by_unsubscribe_token(token)
    if subscriber is None:
        return False
    subscriber.delete()
    return True


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("newsletter:unsubscribe", args=[subscriber.unsubscribe_token]))


def leave_list(subscriber: Subscriber, newsletter_list: NewsletterList) -> None:
    """Leave one list, at once (RFC 8058 one-click, or the page's first button). An address left
    on no list at all is erased: nothing is kept that no longer serves."""
    with transaction.atomic():
        Subscription.objects.filter(subscriber=subscriber, list=newsletter_list).delete()
        if not Subscription.objects.filter(subscriber=subscriber).exists():
            subscriber.delete()


def purge_unconfirmed(now=None) -> int:
    """Forget the requests left unconfirmed for 7 days, then the addresses on no list (never
    confirmed, or whose last request expired)."""
    now = now or timezone.now()
    cutoff = now - UNCONFIRMED_RETENTION
    Subscription.objects.filter(status=Subscription.Status.PENDING, created_at__lt=cutoff).delete()
    count, _ = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, created_at__lt=cutoff, subscriptions__isnull=True
    ).delete()
    return count
