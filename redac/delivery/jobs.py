"""Background job of the page cache: clock-driven changes (a flash item expiring, a campaign
banner starting or ending, an election silence opening or closing) purge cached pages on time even
when no request reaches Django — with static publishing nginx serves the files itself, and a CDN
serves its copies — so the worker checks every second (redac.delivery.schedule)."""

from __future__ import annotations

from redac.core.jobs import periodic

from .schedule import apply_due_changes, next_scheduled_change


@periodic("delivery.scheduled_changes", every=1)
def purge_at_scheduled_changes() -> None:
    # First purge if the change this process knew of has come, then learn the next one.
    apply_due_changes()
    next_scheduled_change()


@periodic("delivery.outbox", every=1)
def apply_pending_invalidations() -> None:
    """Purges the shared store did not take when they were written (Redis down or hanging): again
    every second until it does (redac.delivery.outbox)."""
    from .outbox import apply_pending

    apply_pending()


@periodic("delivery.outbox_prune", every=3600)
def prune_applied_invalidations() -> None:
    from .outbox import prune

    prune()


def apply_local_purges(sender=None, **kwargs) -> None:
    """On every node, lease or not (``redac.core.jobs.every_node_tick``, connected in
    DeliveryConfig.ready()): the purges written by any node, applied to this node's static folder
    (redac.delivery.outbox.LocalApplier)."""
    from .outbox import apply_local

    apply_local()
