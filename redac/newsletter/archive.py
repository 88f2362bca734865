"""The public archive of sent letters (``/lettre/archives/``): served from the page cache like
any page, so it shows no personal link (no unsubscribe link, nobody's address), only what every
subscriber of a public list received in common. Its cached copies go when a letter finishes
sending or a list or letter changes (redac.core.signals.content_changed)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from redac.core.signals import content_changed

ARCHIVE_PATHS = ["/lettre/archives/*"]


def archived_letters():
    from .models import Letter

    return (Letter.objects.filter(status=Letter.Status.SENT, list__public=True)
            .select_related("list").order_by("-finished_at"))  # fmt: skip


def archive_changed(sender, **kwargs) -> None:
    content_changed.send(sender=sender, paths=ARCHIVE_PATHS, reason="archive des lettres")


def register() -> None:
    """Called once, from NewsletterConfig.ready()."""
    from .models import Letter, NewsletterList

    for model in (Letter, NewsletterList):
        post_save.connect(archive_changed, sender=model, dispatch_uid=f"archive-{model.__name__}")
        post_delete.connect(archive_changed, sender=model,
                            dispatch_uid=f"archive-del-{model.__name__}")  # fmt: skip
