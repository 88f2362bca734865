"""Which pages a person sees in the admin's listings (issue 15, low item: section-limited users
saw other sections' draft titles in the page chooser and on bulk-action pages).

One rule for every admin listing that Wagtail does not already limit to the pages one may
explore (the page chooser and its search, the lists of pages a bulk action was asked about):
someone whose page permissions cover the whole site (superusers, Administrateur, the rédacteurs
who write everywhere) sees every page; anyone else sees live pages (the public site shows them
anyway, and links are chosen among them) and, of the rest, only the pages in the sections where
they hold a permission. Wagtail's explorer, admin search and admin API already keep to the
explorable pages, which follow the same sections.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import GroupPagePermission, Page

#: Page permissions granted at this depth or above cover the whole site (1: the tree's root,
#: 2: a site's home page).
SITE_WIDE_DEPTH = 2


def permitted_paths(user) -> list[str] | None:
    """The tree paths of the pages where ``user`` holds a page permission, or ``None`` when one of
    them covers the whole site."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    grants = GroupPagePermission.objects.filter(group__user=user).values_list(
        "page__path", "page__depth"
    )
    paths = []
    for path, depth in grants:
        if depth <= SITE_WIDE_DEPTH:
            return None
        paths.append(path)
    return paths


def admin_visible_pages(user, pages):
    """``pages`` less the drafts (and other non-live pages) outside ``user``'s sections."""
    paths = permitted_paths(user)
    if paths is None:
        return pages
    inside = Q(live=True)
    for path in set(paths):
        inside |= Q(path__startswith=path)
    return pages.filter(inside)


def is_visible_in_admin(user, page) -> bool:
    return admin_visible_pages(user, Page.objects.filter(pk=page.pk)).exists()
