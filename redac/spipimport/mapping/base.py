"""The importer's driver and what every step uses: import records, batches, slugs, pages saved
and moved, SPIP numbers kept, later syncs (conflicts, objects SPIP took offline)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, Site

from redac.core.slugs import spip_slug
from redac.news import numbers
from redac.news.models import (
    ArticleAuthor,
    ArticlePage,
    BreveAuthor,
    BreveIndexPage,
    BrevePage,
    HomePage,
    SectionPage,
)

from .. import clean, legacy
from ..models import ImportRecord
from ..readers import types as t
from .common import (
    ALL_TYPES,
    BATCH_SIZE,
    DEFAULT_RESERVE,
    LANGS,
    NUMBERED,
    PAGE_KINDS,
    Report,
    aware,
    combine,
    numbered_slug,
    ref,
)
from .wagtail_bulk import TreeAppender, deferred_indexing, update_reference_index


class ImporterBase:
    """State of one run and the steps' shared plumbing; the steps themselves are in the sibling
    modules, one per SPIP object kind (:class:`redac.spipimport.mapping.Importer` puts them
    together)."""

    def __init__(
        self, reader, *, img_dir: str | Path | None = None, site_url: str = "",
        dry_run: bool = False, only: set[str] | None = None, since: dt.datetime | None = None,
        with_trash: bool = False, progress=None, reserve: int = DEFAULT_RESERVE,
    ) -> None:  # fmt: skip
        self.reader = reader
        self.site = reader.site
        self.img_dir = Path(img_dir) if img_dir else None
        self.site_url = site_url or self.site.url
        self.dry_run = dry_run
        self.only = set(only or ALL_TYPES)
        self.since = aware(since) if since else None
        self.with_trash = with_trash
        self.reserve = max(int(reserve), 0)
        self.progress = progress or (lambda kind, done, total: None)
        self.report = Report()
        self.records: dict[str, tuple[str, int | None]] = {}  # ref -> (digest, object_id)
        self.changed_texts: list[tuple[str, str, list[str]]] = []  # (ref, lang, texts)
        self.slugs: dict[tuple[str, int], str] = {}  # (type, id) -> spip_urls slug
        self.sections: dict[int, SectionPage] = {}
        self.rubrique_parent: dict[int, int] = {}
        self.breve_listings: dict[int, BreveIndexPage] = {}
        self.logos: dict[tuple[str, int], int] = {}  # (objet, id) -> image id
        self.author_ids: dict[int, int] = {}
        self.keyword_ids: dict[int, int] = {}
        self._lang_warned: set[str] = set()
        self._virtual_articles: list[t.Article] = []
        self._keyword_objs: dict | None = None
        self.touched: list[tuple[str, int]] = []
        self._restricted: list = []
        self._url_rows: list[t.UrlRow] = []
        self._pending_records: dict[str, ImportRecord] = {}
        self._in_batch = False
        self._refs: dict[type, dict[str, int]] = {}  # model -> {import_ref: pk}, loaded once
        self._tree = TreeAppender()
        self._new_links: list[tuple[type, int, list[int], list[int]]] = []
        self._documents_by_file: dict[str, int] = {}
        self._slug_objects: dict[str, tuple[str, int]] = {}
        self._site_pattern = legacy.old_site_pattern(self.site_url) if self.site_url else None
        self.extras: dict[str, dict] = {}  # ref -> ImportRecord.extra of earlier runs
        self.trashed_refs: set[str] = set()  # SPIP objects in the trash, not imported
        self.seen: dict[str, set[int]] = defaultdict(set)  # SPIP ids present in the source
        self.virtual_published: set[str] = set()  # refs of published virtual articles
        self._holders: dict[str, dict[int, tuple[int, int]]] = {}
        self._pending_numbers: list[tuple[str, int, object]] = []

    # --- driver ----------------------------------------------------------------------------------
    def run(self) -> Report:
        start = time.monotonic()
        self.records, self.extras = {}, {}
        for r, d, o, extra in (ImportRecord.objects.filter(ref__startswith="spip:")
                               .values_list("ref", "digest", "object_id", "extra").iterator()):  # fmt: skip
            self.records[r] = (d, o)
            self.extras[r] = extra or {}
        # what earlier runs imported, for the steps this run does not redo (--only, unchanged)
        for key, (_d, object_id) in self.records.items():
            kind, _, ident = key[len("spip:") :].partition(":")
            if object_id is None or not ident.isdigit():
                continue
            if kind == "mot":
                self.keyword_ids[int(ident)] = object_id
            elif kind == "auteur":
                self.author_ids[int(ident)] = object_id
        for extra, object_id in ImportRecord.objects.filter(
            ref__startswith="spip:", extra__mode="logoon"
        ).values_list("extra", "object_id"):
            for objet, ident in extra.get("links", []):
                self.logos[(objet, int(ident))] = object_id
        from redac.delivery.invalidation import deferred

        with deferred(reason="import SPIP"), deferred_indexing():
            if self.dry_run:
                # Everything runs, then rolls back: the report says what a real run would do.
                try:
                    with transaction.atomic():
                        self._run_all()
                        raise _DryRunDone
                except _DryRunDone:
                    pass
            else:
                self._run_all()
                self._reindex()
        self.report.seconds = time.monotonic() - start
        return self.report

    def _run_all(self) -> None:
        for row in self.reader.urls():
            if row.url and row.type:
                # the most recent slug wins (SPIP answers all of them, redirecting to the latest)
                self.slugs[(row.type, row.object_id)] = row.url
                self._slug_objects[legacy.slug_key(row.type, row.url)] = (row.type, row.object_id)
        self._documents_by_file = {row.fichier.lstrip("/"): row.id
                                   for row in self.reader.documents() if row.fichier}  # fmt: skip
        self._url_rows = list(self.reader.urls())
        self.home = self._ensure_home()
        self._reserve_numbers()
        steps = [
            ("mots", self.import_keywords),
            ("auteurs", self.import_authors),
            ("documents", self.import_documents),
            ("rubriques", self.import_rubriques),
            ("articles", self.import_articles),
            ("breves", self.import_breves),
            ("forums", self.import_forums),
            ("petitions", self.import_petitions),
            ("evenements", self.import_evenements),
            ("visites", self.import_visits),
            ("redirects", self.import_redirects),
        ]
        for name, step in steps:
            if name in self.only:
                step()
            elif name in ("rubriques",):
                self._load_sections()  # later steps need the section pages
        for kind, name in PAGE_KINDS.items():
            if name in self.only:
                self._take_offline(kind)
                self._update_old_slugs(kind)
        self.check_texts()

    # --- helpers ---------------------------------------------------------------------------------
    def _reindex(self) -> None:
        """Search indexes (Wagtail's, for the admin, and the public site's) and the reference
        index (where an image or a snippet is used), for what this run created or changed."""
        from django.apps import apps
        from modelsearch.backends import get_search_backends
        from modelsearch.index import class_is_indexed
        from wagtail.models import ReferenceIndex

        from redac.search import index as site_search

        by_model: dict[str, list[int]] = defaultdict(list)
        for label, pk in self.touched:
            by_model[label].append(pk)
        for label, pks in by_model.items():
            model = apps.get_model(label)
            prefetch = [name for name in ("author_links__author", "keywords")
                        if hasattr(model, name.split("__")[0])]  # fmt: skip
            for start in range(0, len(pks), 500):
                with transaction.atomic():
                    objs = list(model.objects.filter(pk__in=pks[start : start + 500])
                                .prefetch_related(*prefetch))  # fmt: skip
                    if class_is_indexed(model):
                        for backend in get_search_backends(with_auto_update=True):
                            backend.add_bulk(model, objs)
                    if ReferenceIndex.is_indexed(model):
                        update_reference_index(model, objs)
            if model in site_search.PAGE_KINDS:
                site_search.index_pages(model, pks)

    def _unchanged(self, key: str, digest: str) -> bool:
        found = self.records.get(key)
        if found and found[0] == digest and found[1] is not None:
            self.report.skipped_unchanged += 1
            return True
        return False

    def _record(self, key: str, digest: str, obj, *, status: str = "", extra=None) -> None:
        """Note that ``obj`` is the import of ``key``. Inside a batch the records are written
        together at the end of the batch, in its transaction (an object is never committed
        without its record, so a killed run resumes cleanly)."""
        label = f"{obj._meta.app_label}.{obj._meta.model_name}"
        extra = dict(extra or {})
        if isinstance(obj, Page):
            # what the page was when imported: a later revision means an edit in redac
            extra["revision"] = obj.latest_revision_id
        self.extras[key] = extra
        self._pending_records[key] = ImportRecord(ref=key, digest=digest, model=label,
                                                  object_id=obj.pk, spip_status=status,
                                                  extra=extra)  # fmt: skip
        self.records[key] = (digest, obj.pk)
        self.touched.append((label, obj.pk))
        if not self._in_batch:
            self._flush()

    def _flush(self) -> None:
        """Write what the batch left pending: tree counters, author and keyword links of new
        pages, import records."""
        self._tree.flush()
        self._flush_links()
        if self._pending_numbers:
            numbers.claim_many([(obj, ident) for _kind, ident, obj in self._pending_numbers])
            from django.contrib.contenttypes.models import ContentType

            for kind, ident, obj in self._pending_numbers:
                content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
                self._holders.setdefault(NUMBERED[kind], {})[ident] = (content_type.id, obj.pk)
            self._pending_numbers.clear()
        if self._pending_records:
            ImportRecord.objects.bulk_create(
                list(self._pending_records.values()), batch_size=250, update_conflicts=True,
                unique_fields=["ref"],
                update_fields=["digest", "model", "object_id", "spip_status", "extra",
                               "updated_at"],
            )  # fmt: skip
            self._pending_records.clear()

    def _batches(self, rows, kind: str):
        rows = list(rows)
        total = len(rows)
        for start in range(0, total, BATCH_SIZE):
            with transaction.atomic():
                self._in_batch = True
                try:
                    yield from rows[start : start + BATCH_SIZE]
                    self._flush()
                finally:
                    self._in_batch = False
                    self._tree.forget()
            self.progress(kind, min(start + BATCH_SIZE, total), total)

    def _lang(self, lang: str) -> str:
        lang = (lang or self.site.lang or "fr").split("_")[0].lower()
        if lang in LANGS:
            return lang
        if lang not in self._lang_warned:
            self._lang_warned.add(lang)
            self.report.warn(f"langue « {lang} » inconnue de redac : contenus importés en français")
        return "fr"

    def _ensure_home(self) -> Page:
        home = HomePage.objects.first()
        if home is not None:
            return home
        root = Page.get_first_root_node()
        home = HomePage(title=clean.plain_title(self.site.name) or "Accueil", slug="accueil",
                        intro=clean.plain_text(self.site.slogan, max_length=2000))  # fmt: skip
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True,
                                site_name=home.title)  # fmt: skip
        else:
            placeholder = site.root_page
            site.root_page, site.site_name = home, home.title
            site.save()
            if type(placeholder.specific) is Page and not placeholder.get_children().exists():
                placeholder.delete()
        from redac.core.models import SiteIdentity

        identity = SiteIdentity.for_site(Site.objects.get(root_page=home))
        identity.name = home.title[:120]
        identity.tagline = clean.plain_text(self.site.description, max_length=600)
        identity.save()
        return home

    def _base_slug(self, kind: str, ident: int, title: str) -> str:
        """SPIP's « URLs propres » rule (redac.core.slugs): the site's own ``spip_urls`` slug when
        it had one, else the title; whole words; the object's name when nothing is left."""
        return spip_slug(self.slugs.get((kind, ident), "") or title, fallback=f"{kind}{ident}")

    def _slug(self, parent: Page, kind: str, ident: int, title: str, current: Page | None) -> str:
        base = self._base_slug(kind, ident, title)
        if current is not None and (current.slug == base or numbered_slug(current.slug, base)):
            return current.slug
        taken = self._tree.slugs(parent)
        if current is not None:
            taken = taken - {current.slug}
        # SPIP adds the object's number when the address is taken (url_insert: "-12")
        slug, n = base, 1
        if slug in taken:
            slug = f"{base}-{ident}"
        while slug in taken:
            n += 1
            slug = f"{base}-{ident}-{n}"
        return slug

    def _update_old_slugs(self, kind: str) -> None:
        """Pages imported before the slug rule (slugs cut at 70 characters, in the middle of a
        word) get the rule's slug; their old address answers 301 to the new one (Wagtail's
        redirects, created when a live page's slug changes). A slug edited in redac is kept.
        A dry run counts them without changing them."""
        model = {"article": ArticlePage, "breve": BrevePage, "rubrique": SectionPage}[kind]
        titles = {}
        for pk, ref_, slug, title in model.objects.filter(
            import_ref__startswith=f"spip:{kind}:"
        ).values_list("pk", "import_ref", "slug", "title"):  # fmt: skip
            ident = int(ref_.rsplit(":", 1)[1])
            source = self.slugs.get((kind, ident), "") or title
            old = slugify(source)[:70].strip("-") or f"{kind}-{ident}"
            if slug != old and not re.fullmatch(rf"{re.escape(old)}-\d+", slug):
                continue  # not the old rule's slug: chosen in redac, or already the new one
            base = self._base_slug(kind, ident, title)
            if slug == base or numbered_slug(slug, base):
                continue
            titles[pk] = ident
        if self.dry_run:
            self.report.counts["slugs_updated"] += len(titles)
            return
        for pk, ident in titles.items():
            with transaction.atomic():
                page = model.objects.get(pk=pk)
                parent = page.get_parent()
                self._tree.forget()
                self._tree._slugs.pop(parent.pk, None)
                page.slug = self._slug(parent, kind, ident, page.title, None)
                page.save(update_fields=["slug", "url_path"], clean=False)
                self.report.counts["slugs_updated"] += 1

    def _text(self, raw: str) -> str:
        """A SPIP text as stored: control characters out, links to the old site made internal
        (``--site-url``, by default the address SPIP recorded)."""
        return legacy.rewrite_site_links(clean.clean_text(raw), self._site_pattern, self._shortcut)

    def _shortcut(self, path: str, query: str) -> str | None:
        """The SPIP shortcut (``art12``, ``doc7``) of what an old address names, or None."""
        for key in legacy.keys_for_request(path, query):
            if key.startswith("IMG/"):
                ident = self._documents_by_file.get(key[len("IMG/") :])
                if ident is not None and ref("document", ident) in self.records:
                    return f"doc{ident}"
                return None
            if key.startswith("spip.php?"):
                match = re.match(r"^spip\.php\?([a-z]+)(\d+)$", key)
                if match and match.group(1) in legacy.SHORTCUTS:
                    return f"{legacy.SHORTCUTS[match.group(1)]}{match.group(2)}"
                return None
            found = self._slug_objects.get(key)
            if found and found[0] in legacy.SHORTCUTS:
                return f"{legacy.SHORTCUTS[found[0]]}{found[1]}"
        return None

    def _text_digest(self, *parts) -> str:
        """Texts depend on the old site's address too: changing it re-imports them."""
        return combine(*parts, self.site_url) if self.site_url else combine(*parts)

    def _existing(self, model, key: str):
        """The object an earlier run made of ``key``, or None; no query for a new object (the
        model's import references are loaded once per run)."""
        found = self.records.get(key)
        if found and found[1] is not None:
            obj = model.objects.filter(pk=found[1]).first()
            if obj is not None:
                return obj
        if not hasattr(model, "import_ref"):
            return None
        if model not in self._refs:
            self._refs[model] = dict(model.objects.filter(import_ref__startswith="spip:")
                                     .values_list("import_ref", "pk"))  # fmt: skip
        pk = self._refs[model].get(key)
        return model.objects.filter(pk=pk).first() if pk is not None else None

    def _save_page(self, parent: Page, page: Page, *, is_new: bool, status: str,
                   date: dt.datetime | None) -> Page:  # fmt: skip
        """Create or update a page; ``publie`` is live, everything else a draft. A ``prop``
        (submitted) page is submitted to the default moderation workflow, as a rédacteur's
        proposal is in redac."""
        live = status == "publie"
        if is_new:
            page.live = live
            page.has_unpublished_changes = not live
            if live:
                page.first_published_at = page.last_published_at = date or timezone.now()
            self._tree.add(parent, page)
        else:
            if live and not page.live:
                page.first_published_at = page.first_published_at or date or timezone.now()
                page.last_published_at = date or timezone.now()
            page.live = live
            page.has_unpublished_changes = not live
            page.save()
        if status == "prop":
            self._submit_for_moderation(page)
        return page

    def _move(self, page: Page, parent: Page) -> Page:
        """Treebeard's move reads the tree from the database: write the batch's pending
        counters first."""
        self._tree.flush()
        self._tree.forget()
        page.move(parent, pos="last-child")
        self._tree.forget()
        return type(page).objects.get(pk=page.pk)

    def _flush_links(self) -> None:
        """Bylines and keywords of the pages created in this batch, in a few bulk inserts."""
        if not self._new_links:
            return
        link_models = {ArticlePage: ArticleAuthor, BrevePage: BreveAuthor}
        rows: dict[type, list] = defaultdict(list)
        for model, page_id, author_ids, keyword_ids in self._new_links:
            link_model = link_models[model]
            rows[link_model] += [link_model(page_id=page_id, author_id=a, sort_order=n)
                                 for n, a in enumerate(dict.fromkeys(author_ids))]  # fmt: skip
            field = model._meta.get_field("keywords")
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows[through] += [through(**{f"{source}_id": page_id, f"{target}_id": k})
                              for k in dict.fromkeys(keyword_ids)]  # fmt: skip
        for model, objs in rows.items():
            model.objects.bulk_create(objs, batch_size=250)
        self._new_links.clear()

    def _submit_for_moderation(self, page: Page) -> None:
        if page.workflow_in_progress:
            return
        workflow = page.get_workflow()
        if workflow is None:
            return
        page.save_revision(log_action=False)
        workflow.start(page, None)

    def _logo(self, objet: str, ident: int) -> int | None:
        return self.logos.get((objet, ident))

    # --- SPIP numbers, later syncs ---------------------------------------------------------------
    def _reserve_numbers(self) -> None:
        """Keep the SPIP site's numbers, and ``--reserve`` more above them, for the site while it
        is re-synced: redac's own new objects are numbered above (redac.news.numbers)."""
        articles = list(self.reader.articles())
        for row in articles:  # links to them are shown as text, not reported as broken
            if self._wanted_status(row.status, "") is None:
                self.trashed_refs.add(ref("article", row.id))
        highest = {
            numbers.Kind.ARTICLE: max((r.id for r in articles), default=0),
            numbers.Kind.BREVE: max((r.id for r in self.reader.breves()), default=0),
            numbers.Kind.RUBRIQUE: max((r.id for r in self.reader.rubriques()), default=0),
            numbers.Kind.DOCUMENT: max((r.id for r in self.reader.documents()), default=0),
        }
        for kind, top in highest.items():
            if top:
                numbers.reserve(kind, top + self.reserve)

    def _number_free(self, kind: str, ident: int, obj) -> bool:
        """Whether the SPIP object ``kind`` ``ident`` may hold its SPIP number: free, or held by
        its own import already. A redac object holding it is a collision: reported, and the SPIP
        object is not imported (the two are never merged)."""
        numbering = NUMBERED[kind]
        if numbering not in self._holders:
            self._holders[numbering] = {
                n: (ct, o) for n, ct, o in numbers.SpipNumber.objects.filter(kind=numbering)
                .values_list("number", "content_type_id", "object_id")
            }  # fmt: skip
        held = self._holders[numbering].get(ident)
        if held is None:
            return True
        if obj is not None and obj.pk is not None and held[1] == obj.pk:
            from django.contrib.contenttypes.models import ContentType

            if held[0] == ContentType.objects.get_for_model(obj, for_concrete_model=False).id:
                return True
        if ref(kind, ident) in self.records and self.records[ref(kind, ident)][1] == held[1]:
            return True
        entry = f"{kind} {ident}"
        if entry not in self.report.collisions:
            self.report.collisions.append(entry)
            self.report.warn(f"{kind} {ident} : ce numéro est déjà celui d'un contenu créé dans "
                             "redac ; l'objet SPIP n'est pas importé (collision, rien n'est "
                             "fusionné)")  # fmt: skip
        return False

    def _keep_number(self, kind: str, ident: int, obj, *, is_new: bool) -> None:
        """An imported object keeps its SPIP number: a new one claims it when saved (the
        ``_spip_number`` the numbering's signal reads), an existing one now."""
        if self.dry_run:
            return
        if is_new:
            # claimed with the rest of the batch when it is written (_flush), in its transaction
            obj._spip_number_later = True
            self._pending_numbers.append((kind, ident, obj))
            return
        numbering = NUMBERED[kind]
        held = self._holders.get(numbering, {}).get(ident)
        if held is not None and held[1] == obj.pk:
            return
        try:
            numbers.claim(obj, ident)
        except numbers.NumberCollision:
            self._number_free(kind, ident, None)

    def _edited_in_redac(self, key: str, page) -> bool:
        """A page edited in redac since its import (a revision the import did not make): a
        re-sync must not overwrite it. Pages imported before this check was kept have no
        recorded revision: any revision counts, except the one a proposed article's submission
        made."""
        extra = self.extras.get(key, {})
        if "revision" in extra:
            return page.latest_revision_id != extra["revision"]
        return page.latest_revision_id is not None and not page.workflow_in_progress

    def _conflict(self, kind: str, ident: int) -> None:
        self.report.conflicts.append(f"{kind} {ident}")
        self.report.warn(f"{kind} {ident} : modifié dans redac depuis l'import, non réécrit "
                         "(conflit : comparez avec SPIP et reportez la modification à la main)")  # fmt: skip

    def _take_offline(self, kind: str) -> None:
        """What SPIP trashed or deleted since the last run goes offline (unpublished, never
        deleted: its comments, visits and number stay), and is reported; unless it was edited
        in redac since, which is a conflict."""
        model = {"article": ArticlePage, "breve": BrevePage, "rubrique": SectionPage}[kind]
        prefix = f"spip:{kind}:"
        gone = []
        for key, (_digest, object_id) in list(self.records.items()):
            if not key.startswith(prefix) or object_id is None:
                continue
            ident = int(key[len(prefix) :])
            if ident in self.seen[kind] and key not in self.trashed_refs:
                continue
            gone.append((key, ident, object_id))
        for key, ident, object_id in gone:
            page = model.objects.filter(pk=object_id).first()
            if page is None or not page.live:
                continue
            if self._edited_in_redac(key, page):
                self._conflict(kind, ident)
                continue
            with transaction.atomic():
                page.unpublish(log_action="wagtail.unpublish")
                ImportRecord.objects.filter(ref=key).update(
                    spip_status="poubelle" if key in self.trashed_refs else "supprime"
                )
            why = "mis à la poubelle" if key in self.trashed_refs else "supprimé"
            self.report.unpublished.append(f"{kind} {ident}")
            self.report.warn(f"{kind} {ident} : {why} dans SPIP depuis l'import, mis hors ligne")


class _DryRunDone(Exception):
    pass
