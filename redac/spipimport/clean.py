"""Sanitising what comes from a SPIP database (untrusted input, like any editor's input).

Texts stay SPIP markup and are made safe when rendered (``redac.typo`` cleans its output with an
allow-list). Titles, names and URLs are stored as plain values, so they are cleaned here: titles
become plain text (templates escape them), URLs must use an allowed scheme.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufdd0-\ufdef]")
_NUMBER = re.compile(r"^\s*\d+\.\s+(?=\S)")
_MULTI = re.compile(r"<multi>(.*?)</multi>", re.S | re.I)
_LANG_MARK = re.compile(r"\[([a-z_]{2,})\]")
_SPACES = re.compile(r"\s+")
_SPIP_INLINE = re.compile(r"\{+|\}+")
ALLOWED_SCHEMES = ("http", "https", "mailto")


def strip_control(text: str) -> str:
    return _CONTROL.sub("", text or "")


def title_number(title: str) -> int | None:
    """SPIP's "1. Titre" numbering (used to order rubriques and articles, hidden by SPIP)."""
    match = re.match(r"^\s*(\d+)\.\s+\S", title or "")
    return int(match.group(1)) if match else None


def choose_multi(text: str, lang: str) -> str:
    """``<multi>[fr]Bonjour[en]Hello</multi>`` -> the text in ``lang`` (SPIP ``extraire_multi``):
    the requested language, else the untagged default, else the first one."""

    def choose(match: re.Match) -> str:
        parts = _LANG_MARK.split(match.group(1))
        default, found = parts[0].strip(), {}
        for index in range(1, len(parts) - 1, 2):
            found.setdefault(parts[index], parts[index + 1].strip())
        base = (lang or "fr").split("_")[0]
        return found.get(lang) or found.get(base) or default or next(iter(found.values()), "")

    return _MULTI.sub(choose, text)


def plain_title(raw: str, lang: str = "fr", *, max_length: int = 255) -> str:
    """A SPIP title as SPIP shows it, as plain text: ``<multi>`` resolved for the object's
    language, the "1. " numbering removed (SPIP's ``supprimer_numero``), tags and SPIP's inline
    braces removed, entities decoded, control characters and runs of spaces removed."""
    text = strip_control(raw)
    text = choose_multi(text, lang)
    text = _NUMBER.sub("", text, count=1)
    text = nh3.clean(text, tags=set(), attributes={}, strip_comments=True)
    text = html.unescape(text)
    text = _SPIP_INLINE.sub("", text)
    text = _SPACES.sub(" ", strip_control(text)).strip()
    return text[:max_length]


def plain_text(raw: str, *, max_length: int | None = None) -> str:
    """Names, e-mail-ish fields: no tags, no control characters."""
    text = html.unescape(nh3.clean(strip_control(raw), tags=set(), attributes={}))
    text = _SPACES.sub(" ", strip_control(text)).strip()
    return text[:max_length] if max_length else text


def safe_url(raw: str, *, max_length: int = 1000, schemes=ALLOWED_SCHEMES) -> str:
    """The URL if its scheme is http, https or mailto (and it has no spaces or control
    characters), else "": ``javascript:``, ``data:``, ``vbscript:``... never survive."""
    url = strip_control(raw or "").strip()
    if not url or len(url) > max_length or any(c.isspace() for c in url):
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes:
        return ""
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return ""
    return url


def clean_text(raw: str) -> str:
    """A SPIP text (markup kept): only control characters removed. Rendering makes it safe."""
    return strip_control(raw or "").replace("\r\n", "\n").replace("\r", "\n")
