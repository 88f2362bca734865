"""Where a page is on the public site: the one place that asks Wagtail for a page's path.

Feeds, sitemaps, the page's metadata (canonical link, breadcrumb, hreflang), the search index
and the page cache's invalidation all name a page by its site-relative path; they all call
:func:`page_path`, so a change in how Wagtail builds URLs (``get_url_parts``) is followed in one
place.
"""

from __future__ import annotations

from wagtail.models import Site


def page_path(page) -> str | None:
    """The site-relative path of a page (``/actualite/mon-article/``), or None when no site
    reaches it (a page outside every site's tree) or it cannot be placed (mid-deletion)."""
    try:
        parts = page.get_url_parts()
    except Exception:  # a page outside every site, or mid-deletion
        return None
    if not parts:
        return None
    return parts[2]


def url_path_to_paths(url_path: str) -> list[str]:
    """Wagtail's tree ``url_path`` (``/accueil/actualite/``) -> site paths (``/actualite/``): where
    a page was before a move, when only its old ``url_path`` is known."""
    paths = []
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            paths.append("/" + url_path[len(root.root_path) :])
    return paths
