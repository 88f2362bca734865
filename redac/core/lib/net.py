"""Who is asking: the client address, and a keyed hash of it that is safe to use as a cache key.

The address a rate limit or a legal record relies on must not be forgeable: ``X-Forwarded-For`` is
trusted only when the TCP peer is one of ``REDAC_TRUSTED_PROXIES`` (security case 33, ASVS V15.3.4),
and then only the right-most address the trusted proxies did not add themselves is taken (the
left-most entries are whatever the client chose to send).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in net for net in _networks(tuple(getattr(settings, "REDAC_TRUSTED_PROXIES", ())))
    )


def client_ip(request) -> str:
    """The client's IP address: REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For when
    the request came through a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed chain: fall back to the proxy itself, never to garbage
        if not _is_trusted(hop):
            return hop
    return remote


def client_key(request, purpose: str) -> str:
    """A keyed hash of the client address for ``purpose`` (a rate-limit bucket, a dedup key).

    HMAC with the secret key: the raw address never reaches the cache, and nobody holding a cache
    dump can brute-force the 2^32 IPv4 space back to addresses without the key.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}|{client_ip(request)}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]
