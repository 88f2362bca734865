"""Scheduled publication and expiry, run by the background worker (``redac serve`` / ``redac
worker``) every 15 seconds: an item goes live or expires at most ~15 s late (the worker polls
every second), with no cron. A worker start runs every job at once, so schedules missed while the
site was down are executed at the next start.

This is Wagtail's ``publish_scheduled`` command (pages and every DraftStateMixin snippet: flash
items, campaign banners), with one difference: each object is re-read and locked inside its own
short transaction before it is touched, so that two runs overlapping after a worker takeover
never publish or unpublish the same object twice; and a page due to go live in a campaign section
during the election silence (redac.reserve) waits for the end of the silence.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

from redac.core.jobs import periodic
from redac.reserve.services import scheduled_publication_waits

logger = logging.getLogger("redac.newsroom.scheduling")


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset  # SQLite: IMMEDIATE transactions already serialise writers


def scheduled_models():
    return [Page] + [model for model in apps.get_models()
                     if issubclass(model, DraftStateMixin) and not issubclass(model, Page)]  # fmt: skip


def expire_due(now=None) -> int:
    now = now or timezone.now()
    done = 0
    for model in scheduled_models():
        due = model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                obj = _locked(model.objects.filter(pk=pk, live=True, expire_at__lt=now)).first()
                if obj is None:  # another run took it
                    continue
                if isinstance(obj, Page):
                    obj = obj.specific
                obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
                done += 1
    return done


def publish_due(now=None) -> int:
    now = now or timezone.now()
    done = 0
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at")
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            revision = _locked(Revision.objects.filter(pk=pk, approved_go_live_at__lt=now)).first()
            if revision is None:
                continue
            obj = revision.content_object
            if isinstance(obj, Page) and scheduled_publication_waits(obj, now):
                # Election silence in a campaign section: the go-live stays scheduled and
                # happens at the first run after the end of the silence.
                logger.debug("scheduled: %s waits for the end of the election silence", obj.pk)
                continue
            # The revision's go-live date is past: publishing makes the object live now.
            revision.publish(log_action="wagtail.publish.scheduled")
            done += 1
    return done


@periodic("pages.publish_scheduled", every=15)
def publish_scheduled() -> None:
    expired = expire_due()
    published = publish_due()
    if expired or published:
        logger.info("scheduled: %d published, %d expired", published, expired)
