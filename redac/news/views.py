"""Public pages that are not Wagtail pages: an author's and a keyword's published items."""

from __future__ import annotations

from itertools import chain

from django.shortcuts import get_object_or_404, render

from .models import (
    ArticlePage,
    Author,
    BrevePage,
    Keyword,
    paginate,
    published,
    with_listing_relations,
)


def _items_newest_first(articles, breves):
    return sorted(chain(articles, breves), key=lambda page: (page.date, page.pk), reverse=True)


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
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
