"""Anti-spam for the public forms (contact, comments, newsletter) without a third-party captcha.

A captcha service would send every reader's address to a third party (a CNIL problem) and fails
blind readers. Four cheap checks stop almost all form spam instead:

- a honeypot field, hidden from humans by CSS, that bots fill in (silently discarded);
- a minimum fill time, from a signed timestamp issued with the form (bots post instantly);
- a per-client rate limit keyed on an HMAC of the client address (raw IPs never reach the cache);
- a maximum number of links in the text (the usual payload of spam).
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from .net import client_key

HONEYPOT_FIELD = "site_web"
STAMP_FIELD = "horodatage"
_STAMP_SALT = "redac.antispam.stamp"
#: A form older than this is refused as stale; it is re-displayed with the reader's text and a
#: fresh stamp, so nothing typed is lost.
STAMP_MAX_AGE = 24 * 3600
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def issue_stamp(now: float | None = None) -> str:
    """A signed "form shown at" timestamp to put in a hidden field."""
    now = time.time() if now is None else now
    return signing.dumps(round(now, 3), salt=_STAMP_SALT)


def stamp_problem(value: str | None, now: float | None = None) -> str | None:
    """Why the stamp does not prove a human took time to fill the form in, or None."""
    now = time.time() if now is None else now
    try:
        issued = float(signing.loads(value or "", salt=_STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "Le formulaire a expiré ou a été modifié : merci de le renvoyer."
    age = now - issued
    if age < settings.REDAC_FORM_MIN_SECONDS:
        return (
            "Votre envoi a été fait trop vite pour venir d'une personne : "
            "patientez quelques secondes et renvoyez-le."
        )
    if age > STAMP_MAX_AGE:
        return "Le formulaire a expiré : merci de le renvoyer."
    return None


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
