"""The newsroom's workflows that span several models: the trash, restricted administrators'
sections, SPIP statuses, and "my articles"."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Page, WorkflowState

from .models import TrashEntry, TrashPage
from .roles import (
    REDACTEUR,
    REDACTEUR_SECTION_GROUP_PREFIX,
    RESTRICTED_ADMIN,
    SECTION_GROUP_PREFIX,
    SECTION_PAGE_PERMISSIONS,
)

# --- SPIP statuses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    code: str
    label: str


#: The statuses SPIP's editors know ("statut" of an article), in SPIP's words.
DRAFT = Status("prepa", _("en cours de rédaction"))
PROPOSED = Status("prop", _("proposé à la publication"))
PUBLISHED = Status("publie", _("publié en ligne"))
SCHEDULED = Status("programme", _("programmé"))
REFUSED = Status("refuse", _("refusé"))
TRASHED = Status("poubelle", _("à la poubelle"))


def spip_status(page: Page) -> Status:
    if is_in_trash(page):
        return TRASHED
    if page.live:
        return PUBLISHED
    if page.go_live_at and page.scheduled_revision is not None:
        return SCHEDULED
    state = page.current_workflow_state
    if state is not None:
        if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            return REFUSED
        return PROPOSED
    return DRAFT


# --- Trash ---------------------------------------------------------------------------------------


class TrashError(Exception):
    """A trash operation that cannot be done; the message is for the editor."""


def trashable_models():
    from redac.news.models import ArticlePage, BrevePage

    return (ArticlePage, BrevePage)


def get_trash(create: bool = True) -> TrashPage | None:
    trash = TrashPage.objects.first()
    if trash is None and create:
        from redac.news.models import HomePage

        home = HomePage.objects.first()
        if home is None:
            return None
        # Never live: the trash and everything in it is invisible to readers.
        trash = TrashPage(title="Poubelle", slug=find_available_slug(home, "poubelle"),
                          live=False, show_in_menus=False)  # fmt: skip
        home.add_child(instance=trash)
    return trash


def is_in_trash(page: Page) -> bool:
    trash = get_trash(create=False)
    return trash is not None and page.path.startswith(trash.path) and page.pk != trash.pk


def is_trashable(page: Page) -> bool:
    return isinstance(page.specific, trashable_models()) and not is_in_trash(page)


@transaction.atomic
def move_to_trash(page: Page, user=None) -> TrashEntry:
    """SPIP's « à la poubelle »: unpublish, cancel a pending proposal, move into the trash (under a
    slug that cannot collide there), and remember where the page came from."""
    page = page.specific
    if not is_trashable(page):
        raise TrashError(_("Seuls les articles et les brèves vont à la poubelle."))
    trash = get_trash()
    parent = page.get_parent()
    was_live = page.live
    if page.live:
        page.unpublish(user=user)
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    original_slug = page.slug
    page.slug = find_available_slug(trash, f"{original_slug}-{page.pk}")
    page.save(update_fields=["slug"], clean=False)
    page.move(trash, pos="last-child")
    entry, _created = TrashEntry.objects.update_or_create(
        page=page,
        defaults={"original_parent": parent, "original_slug": original_slug,
                  "was_live": was_live, "trashed_by": user},
    )  # fmt: skip
    log(page, "newsroom.trash", user=user,
        data={"original_parent": parent.pk, "original_slug": original_slug})  # fmt: skip
    return entry


@transaction.atomic
def restore_from_trash(page: Page, user=None) -> Page:
    """Back where it was, as a draft (« en cours de rédaction »), with its whole history."""
    page = page.specific
    entry = TrashEntry.objects.filter(page=page).select_related("original_parent").first()
    if entry is None or not is_in_trash(page):
        raise TrashError(_("Cet élément n'est pas à la poubelle."))
    parent = entry.original_parent
    if parent is None or is_in_trash(parent):
        raise TrashError(_("Sa rubrique d'origine n'existe plus : déplacez-le d'abord."))
    page.move(parent.specific, pos="last-child")
    page.refresh_from_db()
    page.slug = find_available_slug(parent, entry.original_slug, ignore_page_id=page.pk)
    page.save(update_fields=["slug"], clean=False)
    entry.delete()
    log(page, "newsroom.restore", user=user, data={"parent": parent.pk})
    return page


def can_restore(page: Page, user) -> bool:
    entry = TrashEntry.objects.filter(page=page).select_related("original_parent").first()
    if entry is None or entry.original_parent is None:
        return user.is_superuser
    permissions = entry.original_parent.permissions_for_user(user)
    return (
        user.is_superuser
        or permissions.can_publish_subpage()
        or (page.owner_id == user.pk and permissions.can_add_subpage())
    )


def can_delete_for_good(user) -> bool:
    return user.is_active and user.has_perm("newsroom.empty_trash")


# --- Restricted administrators' sections --------------------------------------------------------


def section_groups():
    return Group.objects.filter(name__startswith=SECTION_GROUP_PREFIX)


def _group_of_section(prefix: str, section: Page) -> tuple[Group, bool]:
    """The ``prefix`` group holding page permissions on ``section``, and whether it is new (named
    after the section, numbered if that name is taken)."""
    existing = Group.objects.filter(name__startswith=prefix, page_permissions__page=section).first()
    if existing is not None:
        return existing, False
    name = f"{prefix}{section.title}"[:140]
    base, n = name, 1
    while Group.objects.filter(name=name).exists():
        n += 1
        name = f"{base} ({n})"
    return Group.objects.create(name=name), True


def _sections_of(user, prefix: str) -> list[Page]:
    """The sections on which ``user``'s ``prefix`` groups hold page permissions."""
    return list(
        Page.objects.filter(
            group_permissions__group__in=user.groups.filter(name__startswith=prefix)
        )
        .distinct()
        .order_by("path")
    )


def _keep_only_groups(user, prefix: str, wanted: set[int]) -> None:
    """``user``'s ``prefix`` groups become exactly ``wanted`` (primary keys)."""
    current = set(user.groups.filter(name__startswith=prefix).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*current - wanted)
    if wanted - current:
        user.groups.add(*wanted - current)


def section_group_for(section: Page) -> Group:
    """The group that holds the page permissions of a section's restricted administrators."""
    group, created = _group_of_section(SECTION_GROUP_PREFIX, section)
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for action in SECTION_PAGE_PERMISSIONS:
            GroupPagePermission.objects.create(group=group, page=section, permission_type=action)
    return group


def restricted_sections(user) -> list[Page]:
    return _sections_of(user, SECTION_GROUP_PREFIX)


@transaction.atomic
def set_restricted_sections(user, sections, *, by=None) -> None:
    """Make ``user`` the restricted administrator of exactly ``sections``."""
    _keep_only_groups(user, SECTION_GROUP_PREFIX, {section_group_for(s).pk for s in sections})
    user.groups.add(Group.objects.get(name=RESTRICTED_ADMIN))
    log(user, "newsroom.sections", user=by,
        data={"sections": [section.title for section in sections]})  # fmt: skip


# --- Rédacteurs' sections ------------------------------------------------------------------------


def _copy_role_grants(role: Group, group: Group) -> None:
    """Give ``group`` the model and collection permissions of ``role`` (not its page permissions:
    those are the point of the per-section group)."""
    from wagtail.models import GroupCollectionPermission

    group.permissions.add(*role.permissions.all())
    for grant in GroupCollectionPermission.objects.filter(group=role):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection_id=grant.collection_id, permission_id=grant.permission_id
        )


def redacteur_section_group_for(section: Page) -> Group:
    """The group of the rédacteurs who may write in ``section`` (and its sub-sections) only."""
    group, created = _group_of_section(REDACTEUR_SECTION_GROUP_PREFIX, section)
    if created:
        GroupPagePermission.objects.create(group=group, page=section, permission_type="add")
    # Re-copied at every assignment: the role may have gained permissions since (a new app).
    _copy_role_grants(Group.objects.get(name=REDACTEUR), group)
    return group


def redacteur_sections(user) -> list[Page]:
    """The sections a rédacteur is limited to; empty means every section."""
    return _sections_of(user, REDACTEUR_SECTION_GROUP_PREFIX)


def redacteurs():
    """Everybody with the Rédacteur role, limited to some sections or not."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model().objects.filter(
            Q(groups__name=REDACTEUR) | Q(groups__name__startswith=REDACTEUR_SECTION_GROUP_PREFIX)
        ).distinct().order_by("username")
    )  # fmt: skip


@transaction.atomic
def set_redacteur_sections(user, sections, *, by=None) -> None:
    """Make ``user`` a rédacteur of exactly ``sections``; with no section, of the whole site
    (the « Rédacteur » group, as SPIP's rédacteurs who write in every rubrique)."""
    wanted = {redacteur_section_group_for(section).pk for section in sections}
    _keep_only_groups(user, REDACTEUR_SECTION_GROUP_PREFIX, wanted)
    role = Group.objects.get(name=REDACTEUR)
    if sections:
        user.groups.remove(role)  # its "add" on the whole site would override the limit
    else:
        user.groups.add(role)
    log(user, "newsroom.sections", user=by,
        data={"role": REDACTEUR, "sections": [section.title for section in sections]})  # fmt: skip


# --- "Mes articles" ------------------------------------------------------------------------------


def my_items(user, limit: int = 8) -> dict:
    """The dashboard's « Mes articles »: drafts, proposed, recently published (with visits)."""
    from redac.news.models import ArticlePage, BrevePage

    trash = get_trash(create=False)
    mine = Page.objects.type(ArticlePage, BrevePage).filter(owner=user)
    if trash is not None:
        mine = mine.exclude(path__startswith=trash.path)
    in_progress = (
        WorkflowState.objects.active()
        .filter(base_content_type__app_label="wagtailcore", requested_by=user)
        .values_list("object_id", flat=True)
    )
    proposed_ids = {int(pk) for pk in in_progress}
    drafts = [p for p in mine.filter(live=False).order_by("-latest_revision_created_at")[:50]
              if p.pk not in proposed_ids][:limit]  # fmt: skip
    proposed = list(
        mine.filter(pk__in=proposed_ids).order_by("-latest_revision_created_at")[:limit]
    )
    published = list(mine.filter(live=True).specific().order_by("-last_published_at")[:limit])
    return {
        "drafts": [(page, spip_status(page)) for page in drafts],
        "proposed": proposed,
        "published": published,
    }


def article_sections_for(user):
    """The sections where ``user`` may write an article (« Nouvel article »), in tree order."""
    from redac.news.models import SectionPage

    return [section for section in SectionPage.objects.live().order_by("path")
            if section.permissions_for_user(user).can_add_subpage()]  # fmt: skip


def breve_listings_for(user):
    """The brève listings where ``user`` may create a brève (for the quick-create button)."""
    from redac.news.models import BreveIndexPage

    return [listing for listing in BreveIndexPage.objects.live().order_by("path")
            if listing.permissions_for_user(user).can_add_subpage()]  # fmt: skip


# --- Each account signs with its own author ------------------------------------------------------


def account_author(user, *, create: bool = True):
    """The byline of an account: SPIP makes an « auteur » with every account, and a rédactrice
    signs what she writes with it. Made on the first call once the person has a name (first
    and last name, never the login: the login is a secret half of the credentials and an
    author's name and address are public); ``None`` while the account has no name."""
    from redac.news.models import Author

    if user is None or not user.pk:
        return None
    author = Author.objects.filter(user=user).first()
    if author is not None or not create:
        return author
    name = " ".join(user.get_full_name().split())
    if not name:
        return None
    with transaction.atomic():
        author, _created = Author.objects.get_or_create(
            user=user, defaults={"name": name, "kind": Author.Kind.PERSON}
        )
    return author


def preselect_author(page, user) -> None:
    """A new article or brève starts signed by the account that writes it (the editor may add
    or remove bylines before saving)."""
    links = getattr(page, "author_links", None)
    if links is None or list(links.all()):
        return
    author = account_author(user)
    if author is None:
        return
    link_model = page._meta.get_field("author_links").related_model
    page.author_links = [link_model(author=author, sort_order=0)]
