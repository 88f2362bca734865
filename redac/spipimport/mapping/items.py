"""SPIP articles and brèves: one import path for both (:meth:`ItemsImport._import_item`); what
differs between the two kinds is said by an :class:`ItemKind` (:data:`ARTICLES`,
:data:`BREVES`)."""

from __future__ import annotations

from django.utils import timezone

from redac.news.models import ArticleAuthor, ArticlePage, BreveAuthor, BrevePage

from .. import clean
from ..readers import types as t
from .common import aware, ref, spip_body


class ItemKind:
    """What differs between importing an article and a brève; everything else is one path."""

    name: str  # SPIP's object type, as in references (``spip:article:12``) and numbers
    report_key: str  # the report's count, and the step's name
    model: type
    author_link: type
    untitled: str  # the title given to an untitled one, before its number

    def rows(self, reader) -> list:
        raise NotImplementedError

    def set_aside(self, importer, row, key: str, status: str) -> bool:
        """Whether the row is kept for a later step instead of becoming a page."""
        return False

    def dates(self, row) -> tuple:
        """The dates ``--since`` compares."""
        return (row.date,)

    def digest_parts(self, importer, row) -> tuple:
        """What the row's digest covers besides the row itself."""
        return ()

    def parent(self, importer, row):
        raise NotImplementedError

    def orphan_warning(self, row) -> str:
        raise NotImplementedError

    def fill(self, importer, page, row, lang: str) -> None:
        """The kind's own fields, from the row."""
        raise NotImplementedError

    def record_extra(self, row) -> dict | None:
        return None

    def texts(self, page) -> list[str]:
        """The texts pass 2 checks the links of."""
        raise NotImplementedError


class _Articles(ItemKind):
    name, report_key, untitled = "article", "articles", "Article"
    model, author_link = ArticlePage, ArticleAuthor

    def rows(self, reader) -> list:
        return list(reader.articles())

    def set_aside(self, importer, row, key: str, status: str) -> bool:
        # a virtual article (SPIP's redirect article) becomes a redirect (import_redirects)
        if not row.redirect_target:
            return False
        importer._virtual_articles.append(row)
        if status == "publie":
            importer.virtual_published.add(key)
        return True

    def dates(self, row) -> tuple:
        return (row.date, row.date_modif)

    def digest_parts(self, importer, row) -> tuple:
        return (importer._logo("article", row.id),)

    def parent(self, importer, row):
        return importer.sections.get(row.rubrique_id)

    def orphan_warning(self, row) -> str:
        return f"article {row.id} : rubrique {row.rubrique_id} absente, article non importé"

    def fill(self, importer, page, row, lang: str) -> None:
        page.surtitre = clean.plain_title(row.surtitre, lang)
        page.soustitre = clean.plain_title(row.soustitre, lang)
        page.descriptif = importer._text(row.descriptif)
        page.chapo = importer._text(row.chapo)
        page.body = [("spip", importer._text(row.texte))] if row.texte.strip() else []
        page.ps = importer._text(row.ps)
        # « Voir en ligne » (SPIP's nom_site / url_site): a site the article is about
        page.site_name = clean.plain_title(row.nom_site, lang)[:255]
        page.site_url = clean.safe_url(row.url_site, schemes=("http", "https"))
        if row.url_site.strip() and not page.site_url:
            importer.report.warn(
                f"article {row.id} : lien « voir en ligne » refusé ({row.url_site[:80]!r})"
            )
        page.date = aware(row.date) or aware(row.date_modif) or timezone.now()
        page.date_redac = aware(row.date_redac)
        page.lang = lang
        page.visit_count = max(row.visites, 0)
        # SPIP's per-article forum setting: a posteriori, a priori, subscribers (a priori
        # here: redac has no reader accounts), none (what was published stays visible)
        page.comments_mode = {"pos": "post", "pri": "pre", "abo": "pre", "non": "closed"}.get(
            row.accepter_forum.strip(), page.comments_mode or "pre"
        )
        page.lead_image_id = importer._logo("article", row.id)

    def record_extra(self, row) -> dict | None:
        return {"trad": row.trad_id} if row.trad_id else {}

    def texts(self, page) -> list[str]:
        return [page.chapo, spip_body(page), page.ps, page.descriptif]


class _Breves(ItemKind):
    name, report_key, untitled = "breve", "breves", "Brève"
    model, author_link = BrevePage, BreveAuthor

    def rows(self, reader) -> list:
        return list(reader.breves())

    def parent(self, importer, row):
        return importer._breve_listing(row.rubrique_id)

    def orphan_warning(self, row) -> str:
        return f"brève {row.id} : rubrique {row.rubrique_id} absente, brève non importée"

    def fill(self, importer, page, row, lang: str) -> None:
        page.body = [("spip", importer._text(row.texte))] if row.texte.strip() else []
        page.lien_titre = clean.plain_title(row.lien_titre, lang)
        page.lien_url = clean.safe_url(row.lien_url, schemes=("http", "https"))
        if row.lien_url.strip() and not page.lien_url:
            importer.report.warn(f"brève {row.id} : lien refusé ({row.lien_url[:80]!r})")
        page.date = aware(row.date) or timezone.now()
        page.lang = lang

    def texts(self, page) -> list[str]:
        return [spip_body(page)]


ARTICLES: ItemKind = _Articles()
BREVES: ItemKind = _Breves()


class ItemsImport:
    """Steps « articles » and « breves »."""

    def _wanted_status(self, status: str, key: str) -> str | None:
        if status == "poubelle" and not self.with_trash:
            return None
        return status if status in ("publie", "prop", "prepa", "refuse") else "prepa"

    def _too_old(self, *dates) -> bool:
        if self.since is None:
            return False
        return all((aware(d) or self.since) < self.since for d in dates)

    def import_articles(self) -> None:
        self._import_items(ARTICLES)

    def import_breves(self) -> None:
        self._import_items(BREVES)

    def _import_items(self, kind: ItemKind) -> None:
        for row in self._batches(kind.rows(self.reader), kind.report_key):
            self._import_item(kind, row)

    def _import_item(self, kind: ItemKind, row) -> None:
        """One article or brève: skipped when trashed, too old, unchanged, orphaned, holding a
        number a redac object has, or edited in redac since its import; else created or updated
        (moved if SPIP moved it), with its byline and keywords."""
        key = ref(kind.name, row.id)
        status = self._wanted_status(row.status, key)
        if status is None:
            self.trashed_refs.add(key)
            return
        self.seen[kind.name].add(row.id)
        if kind.set_aside(self, row, key, status):
            return
        if self._too_old(*kind.dates(row)):
            return
        digest = self._text_digest(t.digest(row), *kind.digest_parts(self, row))
        if self._unchanged(key, digest):
            return
        parent = kind.parent(self, row)
        if parent is None:
            self.report.warn(kind.orphan_warning(row))
            return
        page = self._existing(kind.model, key)
        is_new = page is None
        if not self._number_free(kind.name, row.id, page):
            return
        if not is_new and self._edited_in_redac(key, page):
            self._conflict(kind.name, row.id)
            return
        if is_new:
            page = kind.model(import_ref=key)
        elif page.get_parent().pk != parent.pk:
            page = self._move(page, parent)
        self._keep_number(kind.name, row.id, page, is_new=is_new)
        lang = self._lang(row.lang)
        page.title = clean.plain_title(row.title, lang) or f"{kind.untitled} {row.id}"
        page.slug = self._slug(parent, kind.name, row.id, page.title, None if is_new else page)
        kind.fill(self, page, row, lang)
        authors = [self.author_ids[a] for a in row.author_ids if a in self.author_ids]
        if not is_new:
            page.keywords = self._keywords(row.keyword_ids)
            page.author_links = [
                kind.author_link(author_id=a, sort_order=n) for n, a in enumerate(authors)
            ]
        page = self._save_page(parent, page, is_new=is_new, status=status, date=page.date)
        if is_new:
            keywords = [k.pk for k in self._keywords(row.keyword_ids)]
            self._new_links.append((kind.model, page.pk, authors, keywords))
        self._record(key, digest, page, status=row.status, extra=kind.record_extra(row))
        self.changed_texts.append((key, lang, kind.texts(page)))
        self.report.counts[kind.report_key] += 1
