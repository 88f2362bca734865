"""Composing a letter: which articles and brèves it carries."""

from __future__ import annotations

from django.db import transaction

from redac.news.models import ArticlePage, BrevePage

from .models import Letter, LetterItem, NewsletterList


def candidates(limit: int = 60) -> list:
    """The latest published articles and brèves, newest first: what the compose form offers."""
    pages = [*ArticlePage.objects.published().order_by("-date")[:limit],
             *BrevePage.objects.published().order_by("-date")[:limit]]  # fmt: skip
    pages.sort(key=lambda page: page.date or page.first_published_at, reverse=True)
    return pages[:limit]


def since_last_letter(newsletter_list: NewsletterList) -> list:
    """Everything published since the last letter of this list was sent (or the last 30 days'
    worth, at most 60 items, for a first letter), oldest first as a digest reads."""
    last = (Letter.objects.filter(list=newsletter_list, started_at__isnull=False)
            .order_by("-started_at").first())  # fmt: skip
    pages = []
    for model in (ArticlePage, BrevePage):
        queryset = model.objects.published()
        if last is not None:
            queryset = queryset.filter(date__gt=last.started_at)
        pages += list(queryset.order_by("-date")[:60])
    pages.sort(key=lambda page: page.date or page.first_published_at)
    return pages[-60:]


@transaction.atomic
def set_items(letter: Letter, pages) -> None:
    LetterItem.objects.filter(letter=letter).delete()
    LetterItem.objects.bulk_create(
        LetterItem(letter=letter, page_id=page.pk, position=position)
        for position, page in enumerate(pages)
    )
