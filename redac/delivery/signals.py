"""Wagtail and Django signals -> precise invalidation (redac.delivery.invalidation).

Pages are Wagtail's: their signals are received here for every page type. Other models are
received here only as the content apps registered them (redac.core.signals: site-wide models,
``content_changed``); this module names none of them. Images, documents and redirects are
Wagtail's too, below delivery, and handled here.

Scheduled publishing (``redac publish_scheduled``) goes through the same Wagtail signals, so a page
or flash item going live on schedule is invalidated like a manual publication.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from redac.core import signals as registry
from redac.core.paths import url_path_to_paths

from .invalidation import (
    invalidate,
    invalidate_everything,
    invalidate_for_page,
    is_deferred,
    listing_refs,
    split_paths,
)


def _is_page(sender) -> bool:
    return isinstance(sender, type) and issubclass(sender, Page)


@receiver(pre_save)
def remember_listings_before_publish(sender, instance, update_fields=None, raw=False, **kwargs):
    """Publishing saves the whole page: before it does, note the pages that list it now through a
    relation (redac.core.signals.register_listing_refs: keyword and author pages), so that a
    keyword removed by this publication is purged too. Not for rows
    loaded as they are (``raw``: fixtures, a test database restored), whose content types may
    not be loaded yet."""
    if _is_page(sender) and instance.pk and update_fields is None and not raw:
        instance._redac_listings_before = listing_refs(instance)


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    invalidate_for_page(instance, extra_paths=getattr(instance, "_redac_listings_before", ()))


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    invalidate_for_page(instance)


@receiver(post_page_move)
def on_page_moved(sender, instance, parent_page_before=None, url_path_before="", **kwargs):
    old_paths = url_path_to_paths(url_path_before) if url_path_before else []
    invalidate_for_page(instance, old_path=old_paths[0] if old_paths else None)


@receiver(pre_delete)
def on_page_deleted(sender, instance, **kwargs):
    if _is_page(sender):
        invalidate_for_page(instance)


def _site_wide(sender) -> str | None:
    """How a change to ``sender`` reaches every page ("save" or "publish"), as its app registered
    it (redac.core.signals.register_site_wide), or None."""
    if not isinstance(sender, type) or not hasattr(sender, "_meta"):
        return None
    return registry.site_wide_models().get(sender._meta.label)


@receiver(published)
@receiver(unpublished)
def on_snippet_published(sender, instance, **kwargs):
    """A site-wide snippet (a flash item, a campaign banner) published or unpublished: it shows
    on every page, everything goes."""
    if _site_wide(type(instance)):
        invalidate_everything(reason=f"{type(instance).__name__} {instance.pk}")


@receiver(post_save)
@receiver(post_delete)
def on_site_wide_change(sender, instance, **kwargs):
    """A site-wide model saved or deleted (names shown in bylines and keyword lists of many pages,
    the site identity on all of them): everything goes. For one registered on="publish", only
    when a live instance is deleted, or saved whole (an import, a script: the admin publishes
    through revisions, which save with update_fields and send ``published``); draft saves change
    nothing readers see."""
    when = _site_wide(sender)
    if when is None:
        return
    if when == "publish":
        whole_save = kwargs.get("signal") is post_save and kwargs.get("update_fields") is None
        if getattr(instance, "live", False) and (kwargs.get("signal") is post_delete or whole_save):
            invalidate_everything(reason=f"{sender.__name__} {instance.pk} changed")
        return
    invalidate_everything(reason=f"{sender.__name__} {instance.pk} changed")


@receiver(registry.content_changed)
def on_content_changed(sender, paths=(), everything=False, reason="", **kwargs):
    """A content app announces what changed (redac.core.signals.content_changed): its paths go,
    or everything when it says so (or names the prefix ``/*``)."""
    exact, prefixes = split_paths(paths)
    if everything or "/" in prefixes:
        invalidate_everything(reason=reason or f"{getattr(sender, '__name__', sender)} changed")
        return
    invalidate(exact, prefixes)


def _is_media(sender) -> bool:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return sender is get_image_model() or sender is get_document_model()


@receiver(post_save)
@receiver(post_delete)
def on_media_changed(sender, instance, created=False, **kwargs):
    """An image or document that readers already see changed (file replaced, focal point, title,
    alt text) or went away: cached pages carry its old rendition URLs, which Wagtail deletes with
    the old file, and its old title. The pages that use it go (Wagtail's reference index knows
    them, body blocks included); everything goes when a site-wide object shows it (the logo, a
    banner, an author's photo). A new upload changes nothing readers see."""
    if created or not _is_media(sender) or instance.pk is None or is_deferred():
        return  # (a bulk job such as the SPIP import empties the whole cache at its end)
    from wagtail.models import ReferenceIndex

    # Foreign keys to it, those declared with related_name="+" (the site's logo) included.
    relations = [f for f in instance._meta.get_fields(include_hidden=True)
                 if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)]  # fmt: skip
    for relation in relations:
        model = relation.related_model
        if _is_page(model) or model._meta.app_label.startswith("wagtail"):
            continue  # pages are found below; renditions, collections... are not shown as such
        if model._base_manager.filter(**{relation.field.name: instance}).exists():
            invalidate_everything(reason=f"{sender.__name__} {instance.pk} changed")
            return
    for source, _references in ReferenceIndex.get_grouped_references_to(instance):
        if isinstance(source, Page):
            if source.live:
                invalidate_for_page(source.specific)
        elif _is_media(type(source)):
            continue
        else:  # a snippet or setting shown on many pages
            invalidate_everything(reason=f"{sender.__name__} {instance.pk} changed")
            return


@receiver(post_save, sender="wagtailredirects.Redirect")
@receiver(post_delete, sender="wagtailredirects.Redirect")
def on_redirect_changed(sender, instance, **kwargs):
    """A cached 404 at a path that now redirects (or the reverse) must go."""
    path = instance.old_path or ""
    if path.startswith("/"):
        invalidate([path, path.rstrip("/") + "/", path.rstrip("/") or "/"])
