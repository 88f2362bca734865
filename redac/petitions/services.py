"""Petition workflows: whether one is open, signing, confirming, moderating, erasing, purging,
the counter's answer and the statistics.

No enumeration: :func:`sign` gives its caller nothing to tell a new signature from a second one
with the same address (or site), a pending one, or one dropped by the per-address bound; the
view shows one answer for all. Only refusals that say nothing about one person are visible (the
petition is closed, the client or the address's whole domain sent too much).
"""

from __future__ import annotations

import datetime as dt
import hmac
import time
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import formats, timezone

from redac.core.lib.params import positive_int
from redac.news.models import ArticlePage, published

from .infra import queue_mail, silence_active, site_name
from .models import (
    UNCONFIRMED_RETENTION,
    Petition,
    Signature,
    hash_token,
    raise_count,
    website_key,
)

#: A pending signature's confirmation mail is sent again at most this often (a reader who lost
#: it signs again; nobody can mail-bomb an address through the form).
RESEND_DELAY = dt.timedelta(days=1)
#: New signatures per address per window (seconds), all petitions together: past it, the
#: signature is dropped silently (a visible refusal would tell whether the address was used).
ADDRESS_LIMIT = (3, 3600)
#: New signatures per e-mail domain per window (seconds): a catch-all domain cannot add
#: thousands of confirmed names; high enough for the big webmail domains of a viral petition.
DOMAIN_LIMIT = (5000, 3600)
DOMAIN_THROTTLED_MESSAGE = (
    "Trop de signatures viennent d'adresses de ce domaine en ce moment. Réessayez dans une heure."
)


# --- Finding a petition, and whether it is open ---------------------------------------------------


def petition_for_page(page_id: int) -> Petition | None:
    """The petition of the published article ``page_id`` (drafts, private pages, ids no database
    holds: None)."""
    if positive_int(page_id) is None:
        return None
    page = published(ArticlePage).filter(pk=page_id).first()
    if page is None:
        return None
    petition = Petition.objects.filter(page=page).first()
    if petition is not None:
        petition.page = page
    return petition


def closed_reason(petition: Petition, now=None) -> str | None:
    """Why readers cannot sign ``petition`` now (French, for them), or None."""
    now = now or timezone.now()
    if petition.opens_at and now < petition.opens_at:
        when = formats.date_format(timezone.localtime(petition.opens_at), "j F Y à H:i")
        return f"La pétition ouvrira le {when}."
    if petition.closes_at and now >= petition.closes_at:
        return "La pétition est close : merci à toutes celles et ceux qui l'ont signée."
    if petition.close_during_silence and silence_active(petition.page, now):
        return (
            "Période de réserve électorale : la pétition est fermée jusqu'à la fin de la période."
        )
    return None


def is_open(petition: Petition, now=None) -> bool:
    return closed_reason(petition, now) is None


# --- Signing ------------------------------------------------------------------------------------


def consent_text(petition: Petition) -> str:
    """What the signer agrees to, next to the box: purpose and retention (stored with the
    signature as proof)."""
    days = settings.REDAC_PETITION_RETENTION_DAYS
    shown = ("Mon nom, ma ville et mon message figureront dans la liste publique des signataires ; "
             if petition.list_public else "Seul le nombre de signatures est public ; ")  # fmt: skip
    return (
        f"J'accepte que {site_name()} conserve ma signature de la pétition « {petition.page.title} » "
        f"pour la présenter à ses destinataires. {shown}mon adresse électronique n'est jamais "
        "publiée et ne sert qu'à confirmer ma signature. Les signatures sont effacées "
        f"{days} jours après la clôture de la pétition ; je peux demander à tout moment que la "
        "mienne le soit."
    )


def _over_limit(bucket: str, value: str, limit: int, window: int) -> bool:
    """Count one more in ``bucket`` for ``value`` (an address, a domain) in the shared cache,
    under a keyed hash (no address in the cache); True past ``limit`` per ``window`` seconds."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{bucket}|{value}".encode(), sha256)
    key = f"redac:rl:{bucket}:{digest.hexdigest()[:32]}"
    if cache.add(key, 1, timeout=window):
        return 1 > limit
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1 > limit


@dataclass
class SignatureForm:
    """What a signer typed, cleaned by the form."""

    name: str
    email: str
    city: str = ""
    postcode: str = ""
    website: str = ""
    message: str = ""


def domain_throttled(email: str) -> bool:
    """Count a signature for the address's domain: True when the domain is over its bound."""
    domain = email.rsplit("@", 1)[-1].lower()
    return _over_limit("petition-domain", domain, *DOMAIN_LIMIT)


def sign(petition: Petition, data: SignatureForm, now=None) -> None:
    """Record a signature to confirm and queue its confirmation mail, or do nothing visible: an
    address (or site) that already signed this petition where the options say once, a pending
    signature whose mail went out less than a day ago, an address over its bound. Call
    :func:`domain_throttled` first (its refusal is visible)."""
    now = now or timezone.now()
    email = data.email.strip().lower()
    if _over_limit("petition-address", email, *ADDRESS_LIMIT):
        return
    email_key = email if petition.one_per_email else None
    site_key = (website_key(data.website) or None) if petition.one_per_website else None
    with transaction.atomic():
        if email_key is not None:
            existing = (Signature.objects.select_for_update()
                        .filter(petition=petition, email_key=email_key).first())  # fmt: skip
            if existing is not None:
                _resend_if_due(existing, petition, now)
                return
        if (
            site_key is not None
            and Signature.objects.filter(petition=petition, website_key=site_key).exists()
        ):
            return  # fmt: skip
        signature = Signature(
            petition=petition, name=data.name, email=email, email_domain=email.rsplit("@", 1)[-1],
            city=data.city, postcode=data.postcode, website=data.website,
            message=data.message if petition.message_allowed else "",
            consent_text=consent_text(petition), consented_at=now, created_at=now,
            last_mail_at=now, email_key=email_key, website_key=site_key,
        )  # fmt: skip
        token = signature.new_token()
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
                signature.save()
        except IntegrityError:
            return  # the same address or site signed at the same moment
        _queue_confirmation(signature, petition, token)


def _resend_if_due(signature: Signature, petition: Petition, now) -> None:
    if signature.status != Signature.Status.TO_CONFIRM:
        return
    if signature.last_mail_at and now - signature.last_mail_at < RESEND_DELAY:
        return
    token = signature.new_token()
    signature.last_mail_at = now
    signature.save(update_fields=["token_hash", "last_mail_at"])
    _queue_confirmation(signature, petition, token)


def absolute(path: str) -> str:
    """Links in mails come from the configured site URL, never from the request's Host header
    (security case 27)."""
    return settings.SITE_URL.rstrip("/") + path


def _queue_confirmation(signature: Signature, petition: Petition, token: str) -> None:
    link = absolute(reverse("petitions:confirm", args=[token]))
    days = UNCONFIRMED_RETENTION.days
    body = "\n".join([
        "Bonjour,", "",
        f"Quelqu'un (vous, sans doute) a signé la pétition « {petition.page.title} » de "
        f"{site_name()} avec cette adresse.", "",
        f"Pour que votre signature compte, confirmez-la dans les {days} jours :", link, "",
        "Si vous n'avez rien signé, ignorez ce message : la signature sera effacée dans "
        f"{days} jours.",
    ])  # fmt: skip
    queue_mail(to=[signature.email], subject=f"Confirmez votre signature : {petition.page.title}",
               body=body, kind="petition")  # fmt: skip


# --- Confirming ---------------------------------------------------------------------------------


def pending_for_token(token: str) -> Signature | None:
    """The signature to confirm that ``token`` names, if it may still be confirmed: sent less
    than a week ago, on a published petition that was open when it was signed."""
    if not token or len(token) > 100:
        return None
    signature = (Signature.objects.select_related("petition__page")
                 .filter(token_hash=hash_token(token), status=Signature.Status.TO_CONFIRM,
                         created_at__gte=timezone.now() - UNCONFIRMED_RETENTION).first())  # fmt: skip
    if signature is None or not signature.petition.page.live:
        return None
    closes_at = signature.petition.closes_at
    if closes_at and signature.created_at >= closes_at:
        return None
    return signature


def confirm(token: str, now=None) -> Signature | None:
    """Confirm the signature (once: the token is spent) and count it, in one transaction. A
    signature made while the petition was open may be confirmed after it closed."""
    now = now or timezone.now()
    signature = pending_for_token(token)
    if signature is None:
        return None
    with transaction.atomic():
        done = Signature.objects.filter(pk=signature.pk, status=Signature.Status.TO_CONFIRM,
                                        token_hash=signature.token_hash).update(
            status=Signature.Status.CONFIRMED, confirmed_at=now, token_hash="")  # fmt: skip
        if not done:
            return None  # confirmed by a concurrent request
        raise_count(signature.petition_id, 1)
    signature.status, signature.confirmed_at = Signature.Status.CONFIRMED, now
    return signature


# --- The counter (API and page) -----------------------------------------------------------------


def counter(page_id: int, now=None) -> dict | None:
    """``{"signatures": N, "goal": M|None, "open": bool}`` for the petition of the published
    article ``page_id``, or None."""
    petition = petition_for_page(page_id)
    if petition is None:
        return None
    return {"signatures": petition.signature_count, "goal": petition.goal,
            "open": is_open(petition, now)}  # fmt: skip


#: Per-process memory of the counter's answers: at viral scale, one query per page per second
#: per worker, whatever the number of readers (the contract allows 5 s).
COUNTER_MEMORY_SECONDS = 1.0
_remembered: dict[int, tuple[float, dict | None]] = {}


def remembered_counter(page_id: int) -> dict | None:
    now = time.monotonic()
    hit = _remembered.get(page_id)
    if hit is not None and now - hit[0] < COUNTER_MEMORY_SECONDS:
        return hit[1]
    answer = counter(page_id)
    if len(_remembered) > 10_000:  # ids probed at random must not grow it without bound
        _remembered.clear()
    _remembered[page_id] = (now, answer)
    return answer


def forget_counters() -> None:
    _remembered.clear()


# --- Moderation, erasure, statistics ------------------------------------------------------------


@transaction.atomic
def set_status(signatures, status: str) -> int:
    """Remove (or restore) signatures, keeping the confirmed count exact."""
    changed = 0
    for signature in Signature.objects.select_for_update().filter(
            pk__in=[s.pk for s in signatures]):  # fmt: skip
        if signature.status == status or status not in (
            Signature.Status.REMOVED,
            Signature.Status.CONFIRMED,
        ):
            continue  # fmt: skip
        if status == Signature.Status.CONFIRMED and signature.confirmed_at is None:
            continue  # a removed signature that was never confirmed stays out
        was = signature.status == Signature.Status.CONFIRMED
        signature.status = status
        signature.save(update_fields=["status"])
        raise_count(signature.petition_id, (status == Signature.Status.CONFIRMED) - was)
        changed += 1
    return changed


def set_message_hidden(signatures, hidden: bool) -> int:
    return Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(message_hidden=hidden)


@transaction.atomic
def erase(signatures) -> int:
    """Delete signers' data outright (GDPR art. 17); confirmed ones leave the count."""
    count = 0
    for signature in Signature.objects.select_for_update().filter(
            pk__in=[s.pk for s in signatures]):  # fmt: skip
        if signature.status == Signature.Status.CONFIRMED:
            raise_count(signature.petition_id, -1)
        signature.delete()
        count += 1
    return count


def stats_per_day(petition: Petition) -> list[dict]:
    """Signatures per day of signing: how many were made, how many are confirmed."""
    rows = (Signature.objects.filter(petition=petition)
            .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values("day").order_by("day")
            .annotate(made=Count("pk"),
                      confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED))))  # fmt: skip
    return list(rows)


# --- Retention ----------------------------------------------------------------------------------


def purge(now=None) -> dict[str, int]:
    """Erase unconfirmed signatures after a week, confirmed ones ``REDAC_PETITION_RETENTION_DAYS``
    after their petition closed (imported ones after their import). The count of a closed
    petition keeps its final total: it is the petition's result, not anyone's data."""
    now = now or timezone.now()
    retention = dt.timedelta(days=settings.REDAC_PETITION_RETENTION_DAYS)
    unconfirmed, _ = Signature.objects.filter(status=Signature.Status.TO_CONFIRM,
                                              created_at__lt=now - UNCONFIRMED_RETENTION).delete()  # fmt: skip
    expired, _ = (Signature.objects.exclude(status=Signature.Status.TO_CONFIRM)
                  .filter(imported=False, petition__closes_at__lt=now - retention).delete())  # fmt: skip
    imported, _ = Signature.objects.filter(imported=True,
                                           imported_at__lt=now - retention).delete()  # fmt: skip
    return {"unconfirmed": unconfirmed, "expired": expired + imported}
