"""Old SPIP addresses -> normalised keys of :class:`~redac.spipimport.models.LegacyURL`.

Pure functions (no Django) so that the request path and the importer agree on one normalisation.
SPIP answers the same object under many addresses (SPIP's ``urls/*.php`` and ``.htaccess``):

- "page" URLs: ``spip.php?article12``, ``?article12``, ``spip.php?page=article&id_article=12``;
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

KINDS = ("article", "breve", "rubrique", "mot", "auteur", "site")
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
        if page in KINDS and params.get(f"id_{page}", "").isdigit():
            return canonical(page, int(params[f"id_{page}"]))
        if name == "spip.php" and page in ("", None):
            for kind in KINDS:
                if params.get(f"id_{kind}", "").isdigit():
                    return canonical(kind, int(params[f"id_{kind}"]))
        return None
    match = _HTML.match(name)
    if match:
        return canonical(match.group(1), int(match.group(2)))
    match = _PHP3.match(name)
    if match:
        kind = {"breves": "breve", "mots": "mot"}.get(match.group(1), match.group(1))
        value = params.get(f"id_{kind}", "")
        if value.isdigit():
            return canonical(kind, int(value))
    return None


def looks_legacy(path: str, query: str) -> bool:
    """Addresses no redac page can have: answered from the legacy table before any view runs."""
    name = path.rsplit("/", 1)[-1].lower()
    if path.startswith("/IMG/") or name.endswith((".php", ".php3")):
        return True
    if _HTML.match(name):
        return True
    return path == "/" and bool(query) and bool(_SHORT.match(query.split("&", 1)[0]))


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
    key = numbered_key(path, query)
    if key:
        return [key]
    return slug_keys(path)
