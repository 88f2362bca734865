"""Old SPIP addresses -> normalised keys of :class:`~redac.spipimport.models.LegacyURL`.

Pure functions (no Django) so that the request path and the importer agree on one normalisation.
SPIP answers the same object under many addresses (SPIP's ``urls/*.php`` and ``.htaccess``):

- "page" URLs: ``spip.php?article12``, ``?article12``, ``spip.php?page=article&id_article=12``
  (and the Agenda plugin's ``spip.php?page=evenement&id_evenement=3``);
- "html" URLs: ``article12.html``; SPIP 1.x: ``article.php3?id_article=12`` (and ``.php``);
- "propres"/"propres2"/"libres"/"arbo" URLs: a slug from ``spip_urls``, with markers around it
  telling the type in "propres" mode: ``-rubrique-``, ``+breve+``, ``+-mot-+``, ``_auteur_``,
  ``@site@`` (articles have none); "arbo" puts the parents' slugs in front (``a/b/slug``);
- documents: ``IMG/png/carte.png``.

Numbered forms are all reduced to one canonical key ``spip.php?article12``; slugs to
``slug:<type>:<slug>``; documents to ``IMG/<path>``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

KINDS = ("article", "breve", "rubrique", "mot", "auteur", "site", "evenement")  # (Agenda plugin)
_KIND_RE = "|".join(KINDS)
_SHORT = re.compile(rf"^({_KIND_RE})(\d+)$")
_HTML = re.compile(rf"^({_KIND_RE})(\d+)\.html?$")
_PHP3 = re.compile(rf"^({_KIND_RE}|breves?|mots?)\.php3?$")
#: propres markers, outermost first (``+-mot-+`` before ``+breve+``)
_MARKERS = [
    (re.compile(r"^\+-(.+)-\+$"), "mot"),
    (re.compile(r"^\+(.+)\+$"), "breve"),
    (re.compile(r"^-(.+)-$"), "rubrique"),
    (re.compile(r"^_(.+)_$"), "auteur"),
    (re.compile(r"^@(.+)@$"), "site"),
]


def canonical(kind: str, ident: int) -> str:
    return f"spip.php?{kind}{ident}"


def slug_key(kind: str, slug: str) -> str:
    return f"slug:{kind}:{slug.strip('/').lower()}"


def img_key(path: str) -> str:
    return "IMG/" + path.lstrip("/")


def _is_number(value: str) -> bool:
    """ASCII digits only, of a sane length: ``str.isdigit()`` also accepts « ² », which ``int()``
    refuses (a 500 for ``?id_article=²``)."""
    return value.isascii() and value.isdigit() and len(value) <= 18


def numbered_key(path: str, query: str) -> str | None:
    """The canonical key of a numbered SPIP address, or None if it is not one."""
    path = unquote(path).lstrip("/")
    name = path.rsplit("/", 1)[-1].lower()
    params = dict(parse_qsl(query, keep_blank_values=True))
    if name in ("", "spip.php", "index.php"):
        first = query.split("&", 1)[0]
        match = _SHORT.match(first)
        if match:
            return canonical(match.group(1), int(match.group(2)))
        page = params.get("page", "")
        if page in KINDS and _is_number(params.get(f"id_{page}", "")):
            return canonical(page, int(params[f"id_{page}"]))
        if name == "spip.php" and page in ("", None):
            for kind in KINDS:
                if _is_number(params.get(f"id_{kind}", "")):
                    return canonical(kind, int(params[f"id_{kind}"]))
        return None
    match = _HTML.match(name)
    if match:
        return canonical(match.group(1), int(match.group(2)))
    match = _PHP3.match(name)
    if match:
        kind = {"breves": "breve", "mots": "mot"}.get(match.group(1), match.group(1))
        value = params.get(f"id_{kind}", "")
        if _is_number(value):
            return canonical(kind, int(value))
    return None


def looks_legacy(path: str, query: str) -> bool:
    """Addresses no redac page can have: answered from the legacy table before any view runs."""
    name = path.rsplit("/", 1)[-1].lower()
    if (
        path.startswith(("/IMG/", "/ecrire/"))
        or path == "/ecrire"
        or name.endswith((".php", ".php3"))
    ):
        return True
    if _HTML.match(name):
        return True
    if path != "/" or not query:
        return False
    if _SHORT.match(query.split("&", 1)[0]):
        return True
    page = dict(parse_qsl(query, keep_blank_values=True)).get("page", "")
    return bool(page) and not page.isdigit()  # ?page=2 is redac's own pagination


#: SPIP's default templates (squelettes-dist 4.x, and the brèves plugin) that name no object,
#: and where each one's readers go in redac. ``page=article&id_article=N`` and the other object
#: pages are answered from the legacy table (:func:`numbered_key`).
PAGE_TARGETS = {
    "sommaire": "/",
    "backend": "/feeds/rss/",
    "backend-breves": "/feeds/breves/rss/",
    "plan": "/sitemap.xml",
    "sitemap.xml": "/sitemap.xml",
    "sitemap": "/sitemap.xml",
    "robots.txt": "/robots.txt",
    "login": "/admin/login/",
    "identifiants": "/admin/login/",
    "spip_pass": "/admin/password_reset/",
    "recherche": "/recherche/",
}
#: SPIP 1.x scripts (``backend.php3``…), and SPIP's private area.
SCRIPT_TARGETS = {
    "index": "/", "sommaire": "/", "spip": "/", "backend": "/feeds/rss/",
    "backend-breves": "/feeds/breves/rss/", "plan": "/sitemap.xml", "recherche": "/recherche/",
    "spip_login": "/admin/login/", "spip_pass": "/admin/password_reset/",
}  # fmt: skip
#: The parameters that name the object a ``page=forum`` (reply form) is about.
_FORUM_OBJECTS = ("article", "breve", "rubrique")


def page_target(path: str, query: str) -> str | None:
    """Where an old SPIP address that names no object now goes (pure: no database), or None.

    ``spip.php?page=recherche&recherche=grève`` -> ``/recherche/?q=grève``;
    ``?page=backend`` -> the site's feed; bare ``/spip.php``, ``/index.php`` -> the home page;
    ``/ecrire/…`` -> the admin; ``backend.php3`` -> the feed. Object pages (``page=article``…)
    are not answered here but from the legacy table."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    clean = unquote(path).lower()
    if clean == "/ecrire" or clean.startswith("/ecrire/"):
        return "/admin/"
    name = clean.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if name.endswith((".php", ".php3")) else None
    page = params.get("page", "")
    if name in ("", "spip.php", "index.php") and page:
        if page.isdigit():
            return None
        if page in ("backend", "backend-breves") and name == "spip.php":
            return None  # the feed view answers it, with its section or keyword
        if page in ("backend", "backend-breves") and (params.get("id_rubrique")
                                                      or params.get("id_mot")):  # fmt: skip
            return "/spip.php?" + query
        if page == "recherche":
            return _search(params)
        return PAGE_TARGETS.get(page)
    if stem is not None and stem in SCRIPT_TARGETS:
        if stem == "recherche":
            return _search(params)
        if stem in ("spip", "index") and query:
            return None if _SHORT.match(query.split("&", 1)[0]) else "/"
        return SCRIPT_TARGETS[stem]
    return None


def _search(params: dict) -> str:
    from urllib.parse import urlencode

    words = (params.get("recherche") or params.get("q") or "").strip()[:200]
    return "/recherche/" + ("?" + urlencode({"q": words}) if words else "")


def forum_key(path: str, query: str) -> str | None:
    """``spip.php?page=forum&id_article=3`` (the reply form of SPIP <= 3, ``forum.php3`` before):
    the object the message was about."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    name = unquote(path).rsplit("/", 1)[-1].lower()
    if params.get("page") != "forum" and name not in ("forum.php3", "forum.php"):
        return None
    for kind in _FORUM_OBJECTS:
        value = params.get(f"id_{kind}", "")
        if _is_number(value):
            return canonical(kind, int(value))
    return None


def slug_keys(path: str) -> list[str]:
    """Candidate keys of a "propres"/"arbo"/"libres" address, most likely first."""
    path = unquote(path).strip("/")
    if not path or len(path) > 400:
        return []
    segment = path.rsplit("/", 1)[-1]
    segment = re.sub(r"\.html?$", "", segment, flags=re.I)
    for pattern, kind in _MARKERS:
        match = pattern.match(segment)
        if match:
            return [slug_key(kind, match.group(1))]
    kinds = list(KINDS)
    if "/" in path:  # arbo: the type may be the first segment (``mot/slug``, ``auteur/slug``)
        first = path.split("/", 1)[0].lower()
        if first in KINDS:
            kinds.remove(first)
            kinds.insert(0, first)
    return [slug_key(kind, segment) for kind in kinds]


def keys_for_request(path: str, query: str) -> list[str]:
    if path.startswith("/IMG/"):
        return [img_key(unquote(path[len("/IMG/") :]))]
    key = numbered_key(path, query) or forum_key(path, query)
    if key:
        return [key]
    return slug_keys(path)


#: SPIP's link shortcuts (``[->art12]``), by object type
SHORTCUTS = {"article": "art", "breve": "br", "rubrique": "rub", "mot": "mot", "auteur": "aut"}
_STOP = r"\s\"'<>\[\]|"


def old_site_pattern(site_url: str) -> re.Pattern | None:
    """Absolute links to the old site (http or https, with or without ``www.``, SPIP installed
    at the root or in a folder) in link targets: ``[texte->URL]``, ``href="URL"``, ``src="URL"``.
    Bare addresses in the text are left alone (SPIP shows them as typed)."""
    from urllib.parse import urlsplit

    parts = urlsplit(site_url.strip() if "://" in site_url else f"http://{site_url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    base = re.escape(parts.path.rstrip("/"))
    return re.compile(
        rf"(?P<pre>->\s*|\b(?:href|src)\s*=\s*[\"']?)"
        rf"(?P<url>https?://(?:www\.)?{re.escape(host)}(?::\d+)?{base}"
        rf"(?P<rest>(?:[/?#][^{_STOP}]*)?))(?=[{_STOP}]|$)",
        re.IGNORECASE,
    )


def rewrite_site_links(text: str, pattern: re.Pattern | None, shortcut) -> str:
    """Links to the old site made internal. In a SPIP link (``[texte->URL]``) an address that
    names an object becomes its shortcut (``art12``, ``rub3``, ``doc7``), which always leads to
    the object's current address; anything else (HTML attributes, addresses that name no known
    object) becomes site-relative (``/spip.php?article12``, ``/IMG/pdf/x.pdf``), which redac
    answers with a permanent redirect to the imported object (``LegacyURL``).

    ``shortcut(path, query)`` returns the shortcut of the object an old address names, or None.
    """
    if pattern is None or not text or "://" not in text:
        return text

    def replace(match: re.Match) -> str:
        rest = match.group("rest") or "/"
        rest = rest if rest.startswith("/") else "/" + rest
        before_fragment, _, fragment = rest.partition("#")
        path, _, query = before_fragment.partition("?")
        if match.group("pre").startswith("->"):
            found = shortcut(path, query)
            if found:
                return match.group("pre") + found + (f"#{fragment}" if fragment else "")
        return match.group("pre") + rest

    return pattern.sub(replace, text)
