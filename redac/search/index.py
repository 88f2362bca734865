"""Keeping the index in step with what readers may see.

``index_page`` is the only way a page enters the index and it re-checks ``published()`` (live and
public), so a draft, a private page or an unpublished page can never be found. Called from Wagtail's
publish/unpublish/delete/move signals (signals.py) and by ``redac rebuild_search_index``.
"""

from __future__ import annotations

from django.db import connection, transaction

from redac.core.paths import page_path
from redac.news.models import (
    ArticlePage,
    Author,
    BrevePage,
    SectionPage,
    published,
    published_authors,
    restricted_paths,
)
from redac.news.text import item_plain_text, spip_text

from . import analysis
from .models import SearchEntry

MAX_BODY_CHARS = 200_000  # a tsvector is limited to 1 MB; nobody searches past this anyway
PAGE_KINDS = {
    ArticlePage: SearchEntry.Kind.ARTICLE,
    BrevePage: SearchEntry.Kind.BREVE,
    SectionPage: SearchEntry.Kind.SECTION,
}
FTS_TABLE = "redac_search_fts"


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _top_section_title(page, section_titles: dict[str, str] | None = None) -> str:
    if section_titles is not None:  # {path: title} of the top-level sections (bulk indexing)
        return section_titles.get(page.path[: 3 * page.steplen], "")
    section = page.get_ancestors(inclusive=True).type(SectionPage).filter(depth=3).first()
    return section.title if section else ""


def entry_fields_for_page(page, section_titles: dict[str, str] | None = None) -> dict:
    kind = PAGE_KINDS[type(page)]
    subtitle = " ".join(filter(None, [getattr(page, "surtitre", ""),
                                      getattr(page, "soustitre", "")]))  # fmt: skip
    # what the page shows of its SPIP fields, never what it hides (redac.typo.visible)
    lang = getattr(page, "lang", "") or ""
    if kind == SearchEntry.Kind.SECTION:
        chapo = spip_text(page.descriptif or "", lang)
    else:
        chapo = spip_text(getattr(page, "chapo", "") or getattr(page, "descriptif", "") or "", lang)
    body = item_plain_text(page)
    extra = []
    if kind != SearchEntry.Kind.SECTION:
        extra = [a.name for a in page.authors] + [k.name for k in page.keywords.all()]
        if getattr(page, "ps", ""):
            body += "\n" + spip_text(page.ps, lang)
    return {
        "title": page.title[:600],
        "subtitle": subtitle[:600],
        "chapo": chapo or "",
        "body": body[:MAX_BODY_CHARS],
        "tags": " ".join(extra),
        "url": page_path(page) or "",
        "date": getattr(page, "date", None) or page.last_published_at,
        "path": page.path,
        "section_title": _top_section_title(page, section_titles),
    }


def _save(kind: str, object_id: int, fields: dict) -> SearchEntry:
    entry, _ = SearchEntry.objects.update_or_create(kind=kind, object_id=object_id, defaults=fields)
    if is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, chapo, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [entry.pk, analysis.analysed(fields["title"] + " " + fields.get("subtitle", "")), analysis.analysed(fields["chapo"]),
                 analysis.analysed(fields["body"] + " " + fields.get("tags", ""))],
            )  # fmt: skip
    return entry


def remove(kind: str, object_id: int) -> None:
    ids = list(
        SearchEntry.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True)
    )
    if not ids:
        return
    SearchEntry.objects.filter(pk__in=ids).delete()
    if is_sqlite():
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[i] for i in ids])  # noqa: S608


@transaction.atomic
def index_page(page) -> bool:
    """Index a page if readers may see it, remove it otherwise. True when it is now indexed."""
    page = page.specific
    model = type(page)
    if model not in PAGE_KINDS:
        return False
    kind = PAGE_KINDS[model]
    # Read the restrictions now: this runs in the handlers of a restriction's own save, maybe
    # before the page cache's invalidation that makes workers forget the ones they remember.
    if not published(model, fresh=True).filter(pk=page.pk).exists():
        remove(kind, page.pk)
        return False
    _save(kind, page.pk, entry_fields_for_page(page))
    return True


def index_pages(model, pks) -> int:
    """:func:`index_page` for many pages of one type, in a few statements per chunk (bulk jobs:
    the SPIP import). Same rule: pages readers may see are indexed, the others removed."""
    kind = PAGE_KINDS[model]
    section_titles = dict(SectionPage.objects.filter(depth=3).values_list("path", "title"))
    paths = restricted_paths(fresh=True)
    indexed = 0
    pks = list(pks)
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        pages = published(model, paths).filter(pk__in=chunk)
        if model is not SectionPage:
            pages = pages.prefetch_related("author_links__author", "keywords")
        entries = {page.pk: entry_fields_for_page(page, section_titles) for page in pages}
        with transaction.atomic():
            for gone in set(chunk) - set(entries):
                remove(kind, gone)
            existing = dict(SearchEntry.objects.filter(kind=kind, object_id__in=list(entries))
                            .values_list("object_id", "pk"))  # fmt: skip
            rows = [SearchEntry(pk=existing.get(pk), kind=kind, object_id=pk, **fields)
                    for pk, fields in entries.items()]  # fmt: skip
            changed = [row for row in rows if row.pk]
            if changed:
                SearchEntry.objects.bulk_update(changed, list(next(iter(entries.values()))),
                                                batch_size=250)  # fmt: skip
            SearchEntry.objects.bulk_create([row for row in rows if not row.pk], batch_size=250)
            if is_sqlite() and rows:
                with connection.cursor() as cursor:
                    cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                                       [[row.pk] for row in rows])  # fmt: skip
                    cursor.executemany(
                        f"INSERT INTO {FTS_TABLE} (rowid, title, chapo, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                        [[row.pk, analysis.analysed(row.title + " " + row.subtitle),
                          analysis.analysed(row.chapo), analysis.analysed(row.body + " " + row.tags)]
                         for row in rows],
                    )  # fmt: skip
        indexed += len(rows)
    sync_authors()
    return indexed


def remove_page(page) -> None:
    model = type(page.specific) if hasattr(page, "specific") else type(page)
    if model in PAGE_KINDS:
        remove(PAGE_KINDS[model], page.pk)


@transaction.atomic
def index_author(author: Author) -> None:
    """Index an author readers may see (something of theirs is published), remove it otherwise."""
    if not published_authors(fresh=True).filter(pk=author.pk).exists():
        remove(SearchEntry.Kind.AUTHOR, author.pk)
        return
    _save(SearchEntry.Kind.AUTHOR, author.pk, {
        "title": author.name, "chapo": author.bio or "", "body": "", "tags": "",
        "url": author.get_absolute_url(), "date": None, "path": "", "section_title": "",
    })  # fmt: skip


def sync_authors() -> None:
    """Make the authors' entries follow what is published: an author is found once something of
    theirs is published and visible, and no longer once nothing is (called whenever pages are
    published, unpublished, moved, deleted or restricted; two queries when nothing changes)."""
    kind = SearchEntry.Kind.AUTHOR
    visible = set(published_authors(fresh=True).values_list("pk", flat=True))
    indexed = set(SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True))
    for gone in indexed - visible:
        remove(kind, gone)
    for author in Author.objects.filter(pk__in=visible - indexed):
        index_author(author)


def index_subtree(page) -> int:
    """Re-index a page and its descendants (after a move, the URLs and paths change)."""
    count = 0
    for descendant in page.get_descendants(inclusive=True).specific():
        count += index_page(descendant)
    return count


def rebuild() -> dict[str, int]:
    """Empty the index and index everything readers may see."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        if is_sqlite():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        counts = {}
        for model, kind in PAGE_KINDS.items():
            pages = published(model, fresh=True)
            if model is not SectionPage:
                pages = pages.prefetch_related("author_links__author", "keywords")
            counts[kind] = sum(index_page(page) for page in pages)
        authors = list(published_authors(fresh=True))
        for author in authors:
            index_author(author)
        counts[SearchEntry.Kind.AUTHOR] = len(authors)
    return counts
