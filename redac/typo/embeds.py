"""Embedded players and maps: ``<iframe>`` from known providers, as click-to-load facades.

A migrated SPIP site embeds its videos with raw ``<iframe>`` (YouTube, Vimeo, Dailymotion, a
PeerTube instance, an OpenStreetMap map…); SPIP prints them as they are, so every reader's
browser calls the provider on every page view. redac keeps an iframe only when its address is
an embed address of a provider on the site's list (:class:`Embeds`), and never prints the
iframe itself: it writes a *facade*, a box with a link to the content on the provider's site
and the data the page's script (``static/redac/js/embeds.js``) needs to put a sandboxed
iframe in its place when the reader asks for it. Until then no request leaves for the
provider. Any other iframe is removed by the sanitiser, as before.

Pure data and string work (no Django): the site's list and the facade's words (translated by
the caller) come in an :class:`Embeds` value.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_IFRAME_OPEN = re.compile(r"<iframe\b([^<>]*)>", re.I)
_IFRAME_CLOSE = re.compile(r"</iframe\s*>", re.I)
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")


@dataclass(frozen=True)
class Provider:
    """A service whose players (or maps) may be embedded.

    ``hosts``: the hosts of its embed addresses; ``paths``: the path prefixes of those
    addresses (anything else on the host, its home page, is not a player); ``kind``: what the
    facade calls the content (``video``, ``audio``, ``map``).
    """

    name: str
    label: str
    hosts: tuple[str, ...]
    paths: tuple[str, ...]
    kind: str = "video"
    #: the host the iframe is loaded from, when another is better for readers (YouTube's
    #: « privacy-enhanced mode », which sets no cookie before playing)
    frame_host: str = ""

    def accepts(self, host: str, path: str) -> bool:
        return host in self.hosts and path.startswith(self.paths)

    def frame_host_for(self, host: str) -> str:
        """Where an iframe of ``host`` is loaded from: the frame host, or ``www.`` + a bare
        domain the provider also serves under ``www.``."""
        if self.frame_host:
            return self.frame_host
        return f"www.{host}" if f"www.{host}" in self.hosts else host

    def frame_origins(self) -> tuple[str, ...]:
        hosts = dict.fromkeys(self.frame_host_for(host) for host in self.hosts)
        return tuple(f"https://{host}" for host in hosts)


#: The providers redac knows, by the name the setting uses.
KNOWN_PROVIDERS: dict[str, Provider] = {
    provider.name: provider
    for provider in (
        Provider(
            "youtube",
            "YouTube",
            ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "youtube-nocookie.com"),
            ("/embed/",),
            frame_host="www.youtube-nocookie.com",
        ),
        Provider("vimeo", "Vimeo", ("player.vimeo.com",), ("/video/",)),
        Provider(
            "dailymotion",
            "Dailymotion",
            ("www.dailymotion.com", "dailymotion.com", "geo.dailymotion.com"),
            ("/embed/video/", "/player.html", "/player/"),
        ),
        Provider("soundcloud", "SoundCloud", ("w.soundcloud.com",), ("/player/",), "audio"),
        Provider(
            "openstreetmap",
            "OpenStreetMap",
            ("www.openstreetmap.org", "openstreetmap.org"),
            ("/export/embed.html",),
            "map",
            frame_host="www.openstreetmap.org",
        ),
    )
}
_PEERTUBE_PATHS = ("/videos/embed/", "/video-playlists/embed/")


def peertube(host: str) -> Provider:
    """A PeerTube instance (each site names the instances it embeds from)."""
    return Provider(f"peertube:{host}", f"PeerTube – {host}", (host,), _PEERTUBE_PATHS)


def providers_from_names(names) -> tuple[Provider, ...]:
    """The providers of a setting: known names, and ``peertube:<host>`` for each instance.

    Raises ``ValueError`` with the offending item, so that a misconfigured site fails to start
    with a message it can act on.
    """
    found: list[Provider] = []
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if name.startswith("peertube:"):
            host = name.partition(":")[2].strip().removeprefix("https://").rstrip("/")
            if not _HOST.match(host):
                raise ValueError(
                    f"{raw!r}: expected peertube:<host name>, e.g. peertube:video.example.org"
                )
            found.append(peertube(host))
        elif name in KNOWN_PROVIDERS:
            found.append(KNOWN_PROVIDERS[name])
        else:
            known = ", ".join(sorted(KNOWN_PROVIDERS))
            raise ValueError(f"{raw!r}: unknown provider (known: {known}, peertube:<host>)")
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Embeds:
    """The site's providers and the words of the facade, in the language of the text.

    ``facade=False`` writes a plain link instead (feeds, e-mails: no script there).
    ``words`` maps ``play`` and ``show`` (the button's text for a player and for a map, with
    ``{title}`` and ``{provider}``), ``notice`` (with ``{provider}``), ``open`` (with
    ``{provider}``) and ``video``/``audio``/``map`` (the content's name when the iframe has no
    title) to their text.
    """

    providers: tuple[Provider, ...]
    words: tuple[tuple[str, str], ...] = field(default=())
    facade: bool = True

    def word(self, key: str, **values: str) -> str:
        text = dict(self.words).get(key) or DEFAULT_WORDS[key]
        return text.format(**values)

    def frame_origins(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o for p in self.providers for o in p.frame_origins()))

    def provider_for(self, url: str) -> tuple[Provider, str] | None:
        """The provider of an embed address, and the address to load (always ``https``, on
        the provider's frame host); ``None`` when no provider of the site serves it."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        if parts.scheme.lower() not in ("https", "http", "") or parts.username or parts.password:
            return None
        if not parts.netloc or parts.port not in (None, 443, 80):
            return None
        host = (parts.hostname or "").lower()
        for provider in self.providers:
            if provider.accepts(host, parts.path):
                frame_host = provider.frame_host_for(host)
                query = f"?{parts.query}" if parts.query else ""
                fragment = f"#{parts.fragment}" if parts.fragment else ""
                return provider, f"https://{frame_host}{parts.path}{query}{fragment}"
        return None


DEFAULT_WORDS = {
    "play": "Lire «\u00a0{title}\u00a0» ({provider})",
    "show": "Afficher «\u00a0{title}\u00a0» ({provider})",
    "notice": "Contenu hébergé par {provider}\u00a0: rien n’en est chargé avant que vous ne le "
    "demandiez.",
    "open": "Voir sur {provider}",
    "video": "Vidéo",
    "audio": "Son",
    "map": "Carte",
}

#: Proportions a facade may take (CSS classes ``embed--16x9``…), the iframe's width/height
#: rounded to the nearest: a strict CSP forbids ``style`` attributes.
RATIOS = {"16x9": 16 / 9, "4x3": 4 / 3, "3x2": 3 / 2, "1x1": 1.0, "21x9": 21 / 9, "9x16": 9 / 16}


def _ratio(width: str, height: str, kind: str) -> str:
    try:
        w, h = float(width), float(height)
    except (TypeError, ValueError):
        return "16x9" if kind != "audio" else "audio"
    if kind == "audio" or (h and h <= 200 and w >= 2.5 * h):
        return "audio"
    if w <= 0 or h <= 0:
        return "16x9"
    return min(RATIOS, key=lambda name: abs(RATIOS[name] - w / h))


def page_url(provider: Provider, src: str) -> str:
    """Where the content lives on the provider's own site (the facade's link)."""
    parts = urlsplit(src)
    path = parts.path
    if provider.name == "youtube" and path.startswith("/embed/"):
        video = path[len("/embed/") :].split("/")[0]
        return f"https://www.youtube.com/watch?{urlencode({'v': video})}" if video else src
    if provider.name == "vimeo" and path.startswith("/video/"):
        return f"https://vimeo.com/{path[len('/video/') :].split('/')[0]}"
    if provider.name == "dailymotion" and path.startswith("/embed/video/"):
        return f"https://www.dailymotion.com/video/{path[len('/embed/video/') :].split('/')[0]}"
    if provider.name == "openstreetmap":
        bbox = parse_qs(parts.query).get("bbox", [""])[0]
        return f"https://www.openstreetmap.org/?{urlencode({'bbox': bbox})}" if bbox else src
    if provider.name.startswith("peertube:") and path.startswith("/videos/embed/"):
        return f"https://{parts.hostname}/w/{path[len('/videos/embed/') :].split('/')[0]}"
    return src


def iframe_attributes(tag_inside: str) -> dict[str, str]:
    """The attributes of an ``<iframe …>`` start tag (its inside), values unescaped."""
    attributes: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(tag_inside):
        name = m.group(1).lower()
        if name not in attributes:
            value = next((v for v in m.group(2, 3, 4) if v is not None), "")
            attributes[name] = html.unescape(value)
    return attributes


def facade(embeds: Embeds, provider: Provider, src: str, title: str, width="", height="") -> str:
    """The HTML that stands for an embedded player until the reader asks for it."""
    name = title.strip() or embeds.word(provider.kind)
    link = page_url(provider, src)
    escape = html.escape
    label = escape(provider.label)
    if not embeds.facade:
        return (
            f'<p class="embed-link"><a href="{escape(link)}" rel="external">'
            f"{escape(name)} — {escape(embeds.word('open', provider=provider.label))}</a></p>"
        )
    button = "show" if provider.kind == "map" else "play"
    return (
        f'<div class="embed embed--{provider.kind} embed--{_ratio(width, height, provider.kind)}"'
        f' data-embed-src="{escape(src)}" data-embed-title="{escape(name)}"'
        f' data-embed-provider="{label}"'
        f' data-embed-play="{escape(embeds.word(button, title=name, provider=provider.label))}">'
        f'<p class="embed__fallback"><a class="embed__link" href="{escape(link)}" rel="external">'
        f"{escape(name)} — {label}</a></p>"
        f'<p class="embed__notice">{escape(embeds.word("notice", provider=provider.label))}</p>'
        f"</div>"
    )


def rewrite_iframes(text: str, embeds: Embeds | None, hide: Callable[..., str]) -> str:
    """Every ``<iframe>`` of ``text`` from a provider of ``embeds`` replaced by its facade
    (hidden with ``hide``, the engine's escapes); the others are left for the sanitiser to
    remove. As in a browser, an iframe's content (fallback text) is not shown, and an iframe
    never closed runs to the end of the text. One pass, left to right."""
    if embeds is None or not embeds.providers or "<" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        opening = _IFRAME_OPEN.search(text, pos)
        if not opening:
            break
        closing = _IFRAME_CLOSE.search(text, opening.end())
        end = closing.end() if closing else len(text)
        attributes = iframe_attributes(opening.group(1))
        found = embeds.provider_for(attributes.get("src", ""))
        out.append(text[pos : opening.start()])
        if found is None:
            out.append(text[opening.start() : end])  # removed by the sanitiser
        else:
            provider, src = found
            made = facade(
                embeds,
                provider,
                src,
                attributes.get("title", ""),
                attributes.get("width", ""),
                attributes.get("height", ""),
            )
            out.append(hide(made, block=True))
        pos = end
    out.append(text[pos:])
    return "".join(out)
