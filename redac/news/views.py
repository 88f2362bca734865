"""Public pages that are not Wagtail pages: an author's and a keyword's published items."""

from __future__ import annotations

from itertools import chain

from django.shortcuts import get_object_or_404, render

from .models import (
    ArticlePage,
    BrevePage,
    Keyword,
    paginate,
    published,
    published_authors,
    with_listing_relations,
)


def _items_newest_first(articles, breves):
    return sorted(chain(articles, breves), key=lambda page: (page.date, page.pk), reverse=True)


def author_detail(request, slug):
    # No page before the author has something published: an empty page would announce a
    # byline (a new hire, a guest) before its first article (issue 15).
    author = get_object_or_404(published_authors(), slug=slug)
    articles = published(ArticlePage).filter(author_links__author=author).distinct()
    breves = published(BrevePage).filter(author_links__author=author).distinct()
    items = _items_newest_first(
        with_listing_relations(articles), with_listing_relations(breves, image=False)
    )
    return render(
        request, "news/author_detail.html",
        {"author": author, "items": paginate(request, items)},
    )  # fmt: skip


def keyword_detail(request, slug):
    keyword = get_object_or_404(Keyword.objects.select_related("group"), slug=slug)
    items = _items_newest_first(
        with_listing_relations(published(ArticlePage).filter(keywords=keyword)),
        with_listing_relations(published(BrevePage).filter(keywords=keyword), image=False),
    )
    return render(
        request, "news/keyword_detail.html",
        {"keyword": keyword, "items": paginate(request, items)},
    )  # fmt: skip
