"""Anti-spam for the public forms (contact, comments, newsletter) without a third-party captcha.

A captcha service would send every reader's address to a third party (a CNIL problem) and fails
blind readers. Four cheap checks stop almost all form spam instead:

- a honeypot field, hidden from humans by CSS, that bots fill in (silently discarded);
- a minimum fill time, from a signed timestamp issued with the form (bots post instantly); each
  stamp carries a random nonce and is good for one post only: the nonces used are kept in the
  database (``core.UsedFormStamp``, shared by every worker and node) until the stamp would have
  expired anyway, so one stamp fetched once cannot be replayed for many posts;
- a per-client rate limit keyed on an HMAC of the client address (raw IPs never reach the cache);
- a maximum number of links in the text (the usual payload of spam).

The public forms all go through :func:`check_post` (rate limit -> honeypot -> single-use stamp ->
validation), each form declaring its own :class:`RateLimit`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction

from .net import client_key

HONEYPOT_FIELD = "site_web"
STAMP_FIELD = "horodatage"
_STAMP_SALT = "redac.antispam.stamp"
#: A form older than this is refused as stale; it is re-displayed with the reader's text and a
#: fresh stamp, so nothing typed is lost.
STAMP_MAX_AGE = 24 * 3600
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


REPLAYED_MESSAGE = "Ce formulaire a déjà été envoyé : merci de le renvoyer."


def issue_stamp(now: float | None = None) -> str:
    """A signed "form shown at" timestamp, with a one-use nonce, to put in a hidden field."""
    now = time.time() if now is None else now
    return signing.dumps([round(now, 3), secrets.token_urlsafe(12)], salt=_STAMP_SALT)


def _read_stamp(value: str | None) -> tuple[float, str] | None:
    """(issued at, nonce) of a stamp this site signed, or None."""
    try:
        issued, nonce = signing.loads(value or "", salt=_STAMP_SALT)
        issued = float(issued)
    except (signing.BadSignature, TypeError, ValueError, OverflowError):
        return None
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= 32 or issued != issued:  # NaN
        return None
    return issued, nonce


def stamp_problem(value: str | None, now: float | None = None) -> str | None:
    """Why the stamp does not prove a human took time to fill the form in, or None. Checks only:
    :func:`use_stamp` also spends it."""
    now = time.time() if now is None else now
    read = _read_stamp(value)
    if read is None:
        return "Le formulaire a expiré ou a été modifié : merci de le renvoyer."
    age = now - read[0]
    if age < settings.REDAC_FORM_MIN_SECONDS:
        return (
            "Votre envoi a été fait trop vite pour venir d'une personne : "
            "patientez quelques secondes et renvoyez-le."
        )
    if age > STAMP_MAX_AGE:
        return "Le formulaire a expiré : merci de le renvoyer."
    return None


def use_stamp(value: str | None, now: float | None = None) -> str | None:
    """:func:`stamp_problem`, then spend the stamp: one stamp, one post. The nonce is inserted
    under a unique key, so of two posts racing with the same stamp, on any worker or node, one
    only gets through; the row lives until the stamp would have expired anyway."""
    from redac.core.models import UsedFormStamp

    problem = stamp_problem(value, now)
    if problem is not None:
        return problem
    issued, nonce = _read_stamp(value)
    expires = dt.datetime.fromtimestamp(issued + STAMP_MAX_AGE, tz=dt.UTC)
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: a refused insert leaves the request's transaction usable
            UsedFormStamp.objects.create(nonce=nonce, expires_at=expires)
    except IntegrityError:
        return REPLAYED_MESSAGE
    return None


def purge_used_stamps(now: dt.datetime | None = None) -> int:
    """Forget the used stamps that have expired (they are refused as stale anyway)."""
    from django.utils import timezone

    from redac.core.models import UsedFormStamp

    return UsedFormStamp.objects.filter(expires_at__lt=now or timezone.now()).delete()[0]


def honeypot_filled(data) -> bool:
    return bool((data.get(HONEYPOT_FIELD) or "").strip())


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))


def hit_rate_limit(request, bucket: str, limit: int, window: int) -> bool:
    """Count this request in the client's ``bucket``; True when it is over ``limit`` per ``window``
    seconds. Fixed window in the Django cache: ``add`` creates the counter with its expiry, ``incr``
    is atomic on Redis and Memcached and good enough on the local caches."""
    key = f"redac:rl:{bucket}:{client_key(request, bucket)}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    return count > limit


THROTTLED_MESSAGE = (
    "Trop d'envois depuis votre connexion en peu de temps. Réessayez dans quelques minutes."
)


@dataclass(frozen=True)
class RateLimit:
    """What a public form accepts from one client: ``limit`` posts per ``window`` seconds,
    counted in ``bucket``. A form declares it as its ``rate_limit`` class attribute."""

    bucket: str
    limit: int = 5
    window: int = 600


@dataclass(frozen=True)
class PostCheck:
    """What :func:`check_post` says of a POST: ``bot`` (answer as if all went well, keep
    nothing), else ``passed`` (the form is valid: act on ``form.cleaned_data``), else re-display
    the form with ``problem`` (if any, above the form) and ``status``."""

    bot: bool = False
    passed: bool = False
    problem: str | None = None
    status: int = 200


def check_post(request, form) -> PostCheck:
    """The anti-spam chain of a public form, in this order: the client's rate limit (declared
    by the form as ``rate_limit``), the honeypot, the single-use stamp, then the form's own
    validation. Unless the post passed (or came from a bot), the form gets a fresh stamp, so
    that the reader sends again what they typed."""
    rate: RateLimit = form.rate_limit
    if hit_rate_limit(request, rate.bucket, rate.limit, rate.window):
        check = PostCheck(problem=THROTTLED_MESSAGE, status=429)
    elif honeypot_filled(request.POST):
        return PostCheck(bot=True)
    elif (problem := use_stamp(request.POST.get(STAMP_FIELD))) is not None:
        check = PostCheck(problem=problem, status=400)
    elif form.is_valid():
        return PostCheck(passed=True)
    else:
        check = PostCheck(status=400)
    restamp(form)
    return check


def restamp(form) -> None:
    """Give a bound form that is shown again a fresh stamp (its old one is spent or refused)."""
    form.data = form.data.copy()
    form.data[STAMP_FIELD] = issue_stamp()
