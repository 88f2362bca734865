"""The site's embed providers (``REDAC_EMBED_PROVIDERS``): one list for the three places a player
or a map can come from — an ``<iframe>`` in SPIP text, an embed in the rich-text editor, the
« Vidéo ou son » block — and for the ``frame-src`` of the Content-Security-Policy.

Every embed is shown as a click-to-load facade (``redac.typo.embeds``): nothing is requested from
the provider before the reader asks for it, and the iframe the page's script then builds is
sandboxed. Feeds and e-mails get a plain link (no script there).
"""

from __future__ import annotations

import functools
import math
import re
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from wagtail.embeds.finders.base import EmbedFinder

from redac.typo.embeds import Embeds, providers_from_names

#: Providers of a new site: the video services French newsrooms use, and OpenStreetMap.
DEFAULT_PROVIDERS = ["youtube", "vimeo", "dailymotion", "soundcloud", "openstreetmap"]


@functools.lru_cache(maxsize=8)
def _providers(names: tuple[str, ...]):
    return providers_from_names(names)


def providers():
    return _providers(tuple(getattr(settings, "REDAC_EMBED_PROVIDERS", DEFAULT_PROVIDERS)))


def frame_origins() -> tuple[str, ...]:
    """The origins iframes may load from (CSP ``frame-src``)."""
    return Embeds(providers()).frame_origins()


@functools.lru_cache(maxsize=32)
def _policy(names: tuple[str, ...], lang: str, facade: bool) -> Embeds:
    with override(lang):
        words = (
            # Translators: the button that loads an embedded player ({title}: the video's title)
            ("play", _("Lire «\u00a0{title}\u00a0» ({provider})")),
            # Translators: the button that loads an embedded map
            ("show", _("Afficher «\u00a0{title}\u00a0» ({provider})")),
            ("notice", _("Contenu hébergé par {provider}\u00a0: rien n’en est chargé avant que "
                         "vous ne le demandiez.")),
            ("open", _("Voir sur {provider}")),
            ("video", _("Vidéo")),
            ("audio", _("Son")),
            ("map", _("Carte")),
        )  # fmt: skip
    return Embeds(_providers(names), words, facade)


def policy(lang: str = "", *, facade: bool = True) -> Embeds:
    """What ``redac.typo`` needs to turn the site's embeds into facades, in ``lang`` (the text's
    language, else the active one); ``facade=False``: plain links (feeds)."""
    names = tuple(getattr(settings, "REDAC_EMBED_PROVIDERS", DEFAULT_PROVIDERS))
    return _policy(names, (lang or get_language() or "fr")[:2], facade)


def facade_html(frontend_html: str, lang: str = "") -> str:
    """An embed's player HTML (Wagtail's oEmbed or ours) as the site's facade; empty when its
    iframe is not from one of the site's providers."""
    from redac.typo.embeds import rewrite_iframes
    from redac.typo.sanitize import clean

    found: list[str] = []

    def keep(fragment: str, **_kwargs) -> str:
        found.append(fragment)
        return ""

    rewrite_iframes(frontend_html or "", policy(lang), keep)
    return clean("".join(found))


# ---------------------------------------------------------------- Wagtail finder

_PEERTUBE_WATCH = re.compile(r"^/(?:w|videos/watch)/([A-Za-z0-9_-]+)/?$")
_OSM_MAP = re.compile(r"map=(\d{1,2})/(-?\d+(?:\.\d+)?)/(-?\d+(?:\.\d+)?)")


class KnownProvidersFinder(EmbedFinder):
    """Embeds of the site's providers that need no request to anyone: OpenStreetMap maps (from
    the address of the map on openstreetmap.org) and videos of the site's PeerTube instances
    (``/w/<id>``, ``/videos/watch/<id>``). The others go through Wagtail's oEmbed finder,
    limited to the same list (settings.py)."""

    WIDTH, HEIGHT = 800, 450

    def __init__(self, **options):
        self.options = options

    def _find(self, url: str):
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https"):
            return None
        for provider in providers():
            if provider.name == "openstreetmap" and host in provider.hosts:
                return self._map(parts)
            if provider.name.startswith("peertube:") and host in provider.hosts:
                match = _PEERTUBE_WATCH.match(parts.path)
                if match:
                    return provider, f"https://{host}/videos/embed/{match.group(1)}", "video"
        return None

    def _map(self, parts):
        query = parse_qs(parts.query)
        if parts.path.startswith("/export/embed.html") and query.get("bbox"):
            bbox = query["bbox"][0]
        else:
            match = _OSM_MAP.search(parts.fragment) or _OSM_MAP.search(parts.query)
            if not match:
                return None
            zoom, lat, lon = int(match.group(1)), float(match.group(2)), float(match.group(3))
            if not (0 <= zoom <= 19 and -85 <= lat <= 85 and -180 <= lon <= 180):
                return None
            # the map's extent at that zoom for a WIDTH x HEIGHT frame (256-pixel tiles)
            half_lon = 360 / 2**zoom * self.WIDTH / 256 / 2
            half_lat = half_lon * math.cos(math.radians(lat)) * self.HEIGHT / self.WIDTH
            bbox = f"{lon - half_lon:.5f},{lat - half_lat:.5f},{lon + half_lon:.5f},{lat + half_lat:.5f}"
        provider = next(p for p in providers() if p.name == "openstreetmap")
        marker = ""
        if query.get("mlat") and query.get("mlon"):
            marker = f"&marker={query['mlat'][0]},{query['mlon'][0]}"
        return (
            provider,
            f"https://www.openstreetmap.org/export/embed.html?bbox={bbox}&layer=mapnik{marker}",
            "rich",
        )

    def accept(self, url):
        return self._find(url) is not None

    def find_embed(self, url, max_width=None, max_height=None):
        from django.utils.html import escape

        provider, src, kind = self._find(url)
        return {
            "title": "",
            "author_name": "",
            "provider_name": provider.label,
            "type": kind,
            "thumbnail_url": None,
            "width": self.WIDTH,
            "height": self.HEIGHT,
            "html": f'<iframe src="{escape(src)}" width="{self.WIDTH}" height="{self.HEIGHT}"></iframe>',
        }
