"""Index maintenance: Wagtail's publish/unpublish/move signals and Django's delete signals.

``page_published`` carries the revision's content, so what is indexed is what readers now see;
drafts never send it. Adding or removing a view restriction re-checks the page and its subtree.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


def _published(sender, instance, **kwargs):
    from .index import index_page, sync_authors

    index_page(instance)
    sync_authors()


def _unpublished(sender, instance, **kwargs):
    from .index import remove_page, sync_authors

    remove_page(instance)
    sync_authors()


def _moved(sender, instance, **kwargs):
    from wagtail.models import Page

    from .index import index_subtree, sync_authors

    index_subtree(Page.objects.get(pk=instance.pk))  # the instance may carry its old path
    sync_authors()


def _page_deleted(sender, instance, **kwargs):
    from django.db import transaction

    from .index import PAGE_KINDS, remove, sync_authors

    if sender in PAGE_KINDS:
        remove(PAGE_KINDS[sender], instance.pk)
        transaction.on_commit(sync_authors)  # once the page and its author links are gone


def _restriction_changed(sender, instance, **kwargs):
    from wagtail.models import Page

    from .index import index_subtree, sync_authors

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        index_subtree(page)
    sync_authors()


def _author_saved(sender, instance, **kwargs):
    from .index import index_author

    if not kwargs.get("raw"):
        index_author(instance)


def _author_deleted(sender, instance, **kwargs):
    from .index import remove
    from .models import SearchEntry

    remove(SearchEntry.Kind.AUTHOR, instance.pk)


def connect():
    from redac.news.models import ArticlePage, Author, BrevePage, SectionPage

    page_published.connect(_published, dispatch_uid="redac_search_published")
    page_unpublished.connect(_unpublished, dispatch_uid="redac_search_unpublished")
    post_page_move.connect(_moved, dispatch_uid="redac_search_moved")
    for model in (ArticlePage, BrevePage, SectionPage):
        post_delete.connect(
            _page_deleted, sender=model, dispatch_uid=f"redac_search_del_{model.__name__}"
        )
    from wagtail.models import PageViewRestriction

    post_save.connect(_restriction_changed, sender=PageViewRestriction,
                      dispatch_uid="redac_search_restriction_saved")  # fmt: skip
    post_delete.connect(_restriction_changed, sender=PageViewRestriction,
                        dispatch_uid="redac_search_restriction_deleted")  # fmt: skip
    post_save.connect(_author_saved, sender=Author, dispatch_uid="redac_search_author_saved")
    post_delete.connect(_author_deleted, sender=Author, dispatch_uid="redac_search_author_deleted")
