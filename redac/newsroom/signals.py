"""Receivers: the audit log of permission changes, brèves flagged for the flash ticker, and the
notification of a section's restricted administrators when an item is proposed there.

Publish, unpublish, move and delete are already written to Wagtail's log (« Historique du site »);
permission changes are not, hence the receivers below."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.signals import init_new_page, page_published, page_unpublished, task_submitted

logger = logging.getLogger("redac.newsroom")


# --- Audit log of permission changes ------------------------------------------------------------


def _audit(instance, data: dict) -> None:
    """Log a change of rights made by someone: in the admin (Wagtail activates a LogContext with
    the user for every admin view) or in code that says who acts. Changes without an actor are
    migrations, fixture loading and the post_migrate grants: not someone changing rights, and
    logging them while a database is being loaded would point at rows not yet there."""
    if get_active_log_context().user is None:
        return
    log(instance, "newsroom.permissions", data=data)


@receiver(m2m_changed, sender=User.groups.through)
def log_group_membership(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.add(...)
        names = [instance.name]
        users = list(User.objects.filter(pk__in=pk_set or []))
    else:
        names = list(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
        users = [instance]
    for user in users:
        _audit(user, {"change": action[5:], "groups": names})


@receiver(m2m_changed, sender=Group.permissions.through)
def log_group_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Permission

    codenames = list(Permission.objects.filter(pk__in=pk_set or []).values_list("codename",
                                                                                flat=True))  # fmt: skip
    _audit(instance, {"change": action[5:], "permissions": codenames})


@receiver(m2m_changed, sender=User.user_permissions.through)
def log_user_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        _audit(instance, {"change": action[5:], "permissions": sorted(pk_set or [])})


@receiver(post_save, sender=GroupPagePermission)
@receiver(post_delete, sender=GroupPagePermission)
@receiver(post_save, sender=GroupCollectionPermission)
@receiver(post_delete, sender=GroupCollectionPermission)
def log_object_permission(sender, instance, raw=False, **kwargs):
    if raw:
        return
    target = getattr(instance, "page_id", None) or getattr(instance, "collection_id", None)
    change = "remove" if "created" not in kwargs else "add"
    try:
        group = instance.group
    except Group.DoesNotExist:  # the group itself is being deleted
        return
    _audit(group, {"change": change, "permissions": [instance.permission.codename],
                   "on": f"{sender._meta.model_name}:{target}"})  # fmt: skip


@receiver(post_save, sender=User)
def log_superuser_flag(sender, instance, created, raw=False, **kwargs):
    if not raw and created and (instance.is_superuser or instance.is_staff):
        log(instance, "newsroom.permissions",
            data={"change": "add", "permissions": ["superuser" if instance.is_superuser
                                                   else "staff"]})  # fmt: skip


# --- Brèves in the flash ticker -----------------------------------------------------------------


def flash_ref(page) -> str:
    return f"newsroom:breve-flash:{page.pk}"


@receiver(page_published)
def sync_breve_flash(sender, instance, **kwargs):
    """A brève published with « Afficher dans le flash » gets its line in the ticker (a FlashItem
    linked to it, so that editors can also see and retire it among the flash items)."""
    from redac.flash.models import FlashItem
    from redac.news.models import BrevePage

    if not isinstance(instance, BrevePage):
        return
    item = FlashItem.objects.filter(import_ref=flash_ref(instance)).first()
    if getattr(instance, "flash", False):
        item = item or FlashItem(import_ref=flash_ref(instance))
        item.title = instance.title[:200].replace("\n", " ")
        item.date = instance.date
        item.link_page = instance
        item.save()
        item.save_revision().publish()
    elif item is not None and item.live:
        item.unpublish()


@receiver(page_unpublished)
def retire_breve_flash(sender, instance, **kwargs):
    from redac.flash.models import FlashItem

    item = FlashItem.objects.filter(import_ref=flash_ref(instance), live=True).first()
    if item is not None:
        item.unpublish()


# --- Notification of a section's reviewers ------------------------------------------------------


@receiver(task_submitted)
def notify_section_reviewers(sender, instance, user=None, **kwargs):
    """Wagtail e-mails the task's groups (Administrateur); the restricted administrators of the
    proposed item's section are told too. Both through the outbox (see mail.py)."""
    from .mail import notify_proposal

    try:
        # A savepoint: a failure here must not break the proposal's transaction (PostgreSQL).
        with transaction.atomic():
            notify_proposal(instance, submitter=user)
    except Exception:  # a notification problem must never stop a proposal
        logger.exception("could not notify the section's reviewers")


@receiver(post_save, sender="core.SiteIdentity")
def give_service_pages_to_the_webmaster(sender, instance, raw=False, **kwargs):
    """The contact and legal pages named in the site identity are the Webmestre's to edit."""
    if raw:
        return
    from django.apps import apps

    from .roles import apply_service_pages

    apply_service_pages(apps.get_model)


# --- Each account signs with its own author ------------------------------------------------------


@receiver(init_new_page, dispatch_uid="newsroom-preselect-author")
def sign_new_texts_with_the_account(sender, page, parent, **kwargs):
    """A new article or brève opens with its writer's byline already chosen: Wagtail's creation
    view makes the page with the requesting user as its owner before sending this signal."""
    from .services import preselect_author

    preselect_author(page, getattr(page, "owner", None))
