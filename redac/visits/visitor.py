"""Who is visiting, reduced to what the CNIL audience-measurement exemption allows.

The visitor key is ``HMAC-SHA256(daily secret, truncated IP | User-Agent bucket | page)``, cut to
128 bits (one of ``USER_AGENT_BUCKETS`` buckets: an address adds a bounded count, issue 15).

*Why a daily secret in a file, not in the database.* The CNIL exemption requires that the data
cannot be linked back to a person and are not cross-referenced. The key is only useful to count a
visitor once per page per day; the secret that makes it reproducible must therefore live apart from
the data and die with the day. It is kept in ``DATA_DIR/run/visits-secret-YYYY-MM-DD`` (mode 0600),
created atomically by whichever server process needs it first, so that all granian workers of the
machine derive the same key (the same reader hitting two workers counts once), and deleted as soon
as the next day's secret exists. A database dump or backup therefore never contains it, and once the
file is gone nobody, including the operator, can recompute yesterday's keys.

*Several machines* behind one load balancer share the secret through the shared store
(``REDAC_CACHE_URL``, Redis): one key per day, created by whichever node needs it first
(``SET NX``), expiring by itself within 36 hours and deleted as soon as the next day's exists, so
the same reader counts once whichever node answers. While Redis does not answer, a node uses its
file secret (and asks Redis again a minute later): a reader served by two nodes during an outage
may count twice, never is anyone's secret written to the database.

*Why truncate the IP.* The full address is never needed: the last IPv4 octet and the last 80 bits
of an IPv6 address are dropped before hashing, so even the transient input of the HMAC does not
identify one connection; two readers in the same /24 with the same browser build count once, an
undercount the CNIL's guidance accepts in exchange.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import socket
import threading
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

IPV4_PREFIX = 24
IPV6_PREFIX = 48

#: Crawlers, link previewers, monitoring and HTTP libraries: not readers. The list follows the
#: families that matter in practice (COUNTER Code of Practice robots list, Matomo DeviceDetector);
#: anything announcing itself as an automaton is excluded, as is an empty User-Agent. Substrings of
#: the lower-cased User-Agent (a regex with this many alternatives cost ~0.2 ms a beacon).
BOT_TOKENS = (
    "crawl", "spider", "slurp", "scrap", "archiver", "fetcher", "preview", "monitor", "checker",
    "validator", "headless", "phantomjs", "selenium", "puppeteer", "playwright", "lighthouse",
    "pagespeed", "pingdom", "uptime", "facebookexternalhit", "embedly", "whatsapp", "telegram",
    "discord", "slack", "skype", "bitly", "nuzzel", "feed", "rss", "curl", "wget", "httpie",
    "python", "aiohttp", "httpx", "requests", "go-http", "java/", "okhttp", "libwww", "perl",
    "ruby", "php/", "node-fetch", "axios", "apache-httpclient", "postman", "insomnia",
    "http client", "google-read-aloud", "mediapartners", "adsbot", "petalbot", "semrush",
    "ahrefs", "mj12", "bytespider", "gptbot", "ccbot", "amazonbot", "applebot",
)  # fmt: skip
#: "bot" as a word ending ("Googlebot", "bingbot/2.0"), not inside a brand name ("CUBOT" phones).
BOT_WORD = re.compile(r"bot(?:\b|/)")


@lru_cache(maxsize=4096)
def is_bot_user_agent(user_agent: str) -> bool:
    """Cached: real traffic repeats a few hundred User-Agent strings over and over."""
    if len(user_agent) < 10:
        return True
    lowered = user_agent.lower()
    if "bot" in lowered and BOT_WORD.search(lowered):
        return True
    return any(token in lowered for token in BOT_TOKENS)


#: Search engines, grouped under one label each whatever their country domain (SPIP groups them).
SEARCH_ENGINES = {
    "google": "Google",
    "bing": "Bing",
    "duckduckgo": "DuckDuckGo",
    "qwant": "Qwant",
    "ecosia": "Ecosia",
    "yahoo": "Yahoo",
    "yandex": "Yandex",
    "baidu": "Baidu",
    "startpage": "Startpage",
    "search.brave": "Brave Search",
    "lilo": "Lilo",
}
SEARCH_LABEL = "Moteurs de recherche : {}"
INTERNAL_LABEL = "Navigation interne"


def is_bot(meta) -> bool:
    """True for automated clients and for speculative loads the reader never saw."""
    if is_bot_user_agent(meta.get("HTTP_USER_AGENT", "")[:1000]):
        return True
    purpose = " ".join(
        meta.get(header, "")
        for header in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
    ).lower()
    return "prefetch" in purpose or "prerender" in purpose or "preview" in purpose


def refuses_tracking(meta) -> bool:
    """``DNT: 1`` or ``Sec-GPC: 1``: the browser's way of objecting (CNIL: readers can object)."""
    return settings.VISITS_HONOUR_DNT and (
        meta.get("HTTP_DNT", "").strip() == "1" or meta.get("HTTP_SEC_GPC", "").strip() == "1"
    )


@lru_cache(maxsize=8)
def _trusted_networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


@lru_cache(maxsize=1024)
def _is_trusted(address: str, spec: tuple[str, ...]) -> bool:
    """Cached by string: the addresses asked about are mostly the few proxies themselves."""
    parsed = _parse(address)
    return parsed is not None and any(parsed in net for net in _trusted_networks(spec))


def _parse(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(meta) -> str | None:
    """The reader's address: the socket's peer, or, only when that peer is a trusted proxy, the
    right-most address of X-Forwarded-For that is not itself a trusted proxy (left-most entries are
    whatever the client chose to send)."""
    peer = meta.get("REMOTE_ADDR", "").strip()
    spec = tuple(settings.REDAC_TRUSTED_PROXIES)
    if not spec or not _is_trusted(peer, spec):
        return peer if _valid(peer) else None
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for candidate in reversed(forwarded):
        if not _valid(candidate):
            return peer
        if not _is_trusted(candidate, spec):
            return candidate
    return peer


def _valid(text: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except (OSError, ValueError):
        return False
    return True


def truncated(address: str | None) -> str:
    """The address without its last IPv4 octet / last 80 IPv6 bits (string work for IPv4: the
    ipaddress module costs more than the rest of the beacon)."""
    if not address:
        return ""
    if ":" not in address:
        return address.rsplit(".", 1)[0] + ".0"
    parsed = ipaddress.ip_address(address)
    if parsed.ipv4_mapped:
        return truncated(str(parsed.ipv4_mapped))
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)


class DailySecret:
    """The HMAC key of the day, shared by every process through a file outside the database."""

    #: A node that fell back to its file while Redis failed asks Redis again after this long.
    SHARED_RETRY_SECONDS = 60.0
    #: The shared key's own lifetime: it dies on its own even if no node ever deletes it.
    SHARED_TTL_SECONDS = 36 * 3600

    def __init__(self, directory: Path | None = None):
        self._directory = directory
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._key = b""
        self._retry_at: float | None = None  # set while using the file instead of Redis

    @property
    def directory(self) -> Path:
        return self._directory or Path(settings.DATA_DIR) / "run"

    def for_day(self, day: dt.date) -> bytes:
        if day == self._day and (self._retry_at is None or time.monotonic() < self._retry_at):
            return self._key
        with self._lock:
            if day != self._day or (self._retry_at is not None
                                    and time.monotonic() >= self._retry_at):  # fmt: skip
                key = self._shared(day)
                if key is None:
                    key = self._load_or_create(day)
                self._key, self._day = key, day
        return self._key

    def _shared(self, day: dt.date) -> bytes | None:
        """The day's secret from Redis when a shared store is configured (None: not configured, or
        not answering; then the file, and Redis again in a minute)."""
        from redac.core.lib import shared

        url = shared.shared_url()
        if not url:
            self._retry_at = None
            return None
        prefix = shared.redis_prefix() + "visits:secret:"

        def fetch(client):
            name = prefix + day.isoformat()
            client.set(name, secrets.token_hex(32), nx=True, ex=self.SHARED_TTL_SECONDS)
            value = client.get(name)
            earlier = [prefix + (day - dt.timedelta(days=n)).isoformat() for n in (1, 2, 3)]
            client.delete(*earlier)
            return value

        value = shared.call(url, fetch)
        if not value:
            self._retry_at = time.monotonic() + self.SHARED_RETRY_SECONDS
            return None
        self._retry_at = None
        return bytes.fromhex(value.decode())

    def _load_or_create(self, day: dt.date) -> bytes:
        directory = self.directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = directory / f"visits-secret-{day.isoformat()}"
        if not path.exists():
            # Write a private temporary file, then link it into place: os.link fails if another
            # process won the race, and then everybody reads the winner's secret.
            temporary = directory / f".visits-secret-{os.getpid()}-{secrets.token_hex(4)}"
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
            finally:
                temporary.unlink(missing_ok=True)
        key = bytes.fromhex(path.read_text().strip())
        for old in directory.glob("visits-secret-*"):
            if old.name < path.name:  # ISO dates sort as strings: every earlier day's secret
                old.unlink(missing_ok=True)
        return key


daily_secret = DailySecret()


#: How many visitors one address (as truncated above) can add to one page in one day, whatever
#: User-Agent strings it sends: the User-Agent only chooses one of this many buckets. Sending a
#: new User-Agent with each beacon used to add one visit each time (issue 15, visit_inflation).
#: Two real readers behind one truncated address whose browsers fall in the same bucket count
#: once: an undercount of the same kind as the truncation's (docs/privacy.md).
USER_AGENT_BUCKETS = 16


def _user_agent_bucket(user_agent: str) -> int:
    return hashlib.blake2b(user_agent.encode("utf-8", "replace"), digest_size=2).digest()[0] % \
        USER_AGENT_BUCKETS  # fmt: skip


def visitor_key(meta, page_id: int, day: dt.date) -> str:
    user_agent = meta.get("HTTP_USER_AGENT", "")[:500]
    material = "|".join(
        (truncated(client_address(meta)), f"ua{_user_agent_bucket(user_agent)}", str(page_id))
    )
    digest = hmac.new(daily_secret.for_day(day), material.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


#: ``Sec-Fetch-Site`` values of a request made by one of this site's own pages.
_OWN_FETCH_SITES = {"same-origin", "same-site"}


def from_own_page(meta, own_hosts: set[str], *, require_evidence: bool) -> bool:
    """Whether the request was made by one of this site's pages, as the browser tells it:
    ``Sec-Fetch-Site`` (every current browser sends it, and no page can forge it), else the
    ``Origin`` or ``Referer`` host. Without any of them, ``require_evidence`` decides: the
    ``<noscript>`` pixel requires it (an ``<img>`` on another site, or the address typed in, must
    not count), the script's beacon does not (it sends ``Origin`` from any browser that has it)."""
    fetch_site = meta.get("HTTP_SEC_FETCH_SITE", "").strip().lower()
    if fetch_site:
        return fetch_site in _OWN_FETCH_SITES
    for header in ("HTTP_ORIGIN", "HTTP_REFERER"):
        value = meta.get(header, "").strip()
        if value and value != "null":
            try:
                parts = urlsplit(value)
                parts.port  # noqa: B018 (raises on a malformed port: « host:80.evil.example »)
                host = (parts.hostname or "").rstrip(".")
            except ValueError:
                return False
            return host in own_hosts
        if value == "null":  # an opaque origin: a sandboxed frame, a data: page
            return False
    return not require_evidence


def referrer_label(referrer: str, own_hosts: set[str]) -> str:
    return _referrer_label(referrer, frozenset(own_hosts))


@lru_cache(maxsize=4096)
def _referrer_label(referrer: str, own_hosts: frozenset[str]) -> str:
    """A referrer URL reduced to what the statistics show: a domain (without ``www.``), a search
    engine's group label, the internal-navigation label, or "" for none/unreadable."""
    if not referrer:
        return ""
    try:
        host = (urlsplit(referrer.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""
    if not host or urlsplit(referrer.strip()).scheme not in ("http", "https", "android-app"):
        return ""
    if host in own_hosts:
        return INTERNAL_LABEL
    host = host.removeprefix("www.")
    labels = host.split(".")
    for needle, name in SEARCH_ENGINES.items():
        needle_labels = needle.split(".")
        for start in range(len(labels) - len(needle_labels) + 1):
            if labels[start : start + len(needle_labels)] == needle_labels and (
                start == 0 or labels[start - 1] in ("www", "search", "fr", "m", "html", "lite")
            ):
                return SEARCH_LABEL.format(name)
    return host[:120]
