"""What the site identity invalidates in the page cache, declared in the registry of
redac.core.signals like every content type's (redac.delivery reads it and names none of them).

The identity (name, tagline, logo, contact and legal pages) is in every page's header and
footer: saving it empties the whole cache, and so does a change to the contact or legal page,
which the footer links to.
"""

from __future__ import annotations

from . import signals


def register() -> None:
    """Called once, from CoreConfig.ready()."""
    signals.register_site_wide("core.SiteIdentity")
    signals.register_page_urls(linked_from_the_footer)


def linked_from_the_footer(page) -> list[str]:
    from .models import SiteIdentity

    try:
        ids = SiteIdentity.objects.values_list("contact_page_id", "legal_page_id")
        if any(page.pk in pair for pair in ids):
            return ["/*"]
    except Exception:  # noqa: S110  (settings table absent: nothing in the footer)
        pass
    return []
