"""Turn what the readers return into redac's models: the SPIP import itself.

Two passes, as the issue asks:

1. every SPIP object becomes a redac object (sections, articles, brèves, authors, keywords,
   images/documents, forum messages, visit history) carrying ``import_ref`` = ``spip:<type>:<id>``
   and an :class:`ImportRecord` with the fingerprint of its source row;
2. every text of the objects created or changed by this run is rendered once with
   ``redac.typo`` and a recording resolver, which lists the internal references (``[->art12]``,
   ``<doc3>``) that point at nothing, and the texts the engine could not render.

Texts are stored as SPIP markup (the public site renders them through the ``|spip`` filter with
:class:`~redac.spipimport.resolver.ImportedObjectsResolver`), so pass 2 never rewrites them: the
references keep working because the resolver maps SPIP ids to imported objects at render time.

Idempotence and resumption: objects are written in batches, each batch in one transaction with
the objects' records; a re-run skips rows whose fingerprint is unchanged, updates the others and
never creates an object twice (the object is found by its ``import_ref``). ``kill -9`` loses at
most the batch in progress, which the next run redoes.

Speed (bench/import.py): what costs per object in Wagtail and Django is done once per batch or
once per run instead, never at the price of a tree or an index left wrong: new pages are appended
to the tree by :class:`_TreeAppender` (parent counters, bylines, keywords, audit entries and
import records written in bulk at the end of the batch, in its transaction); the search indexes
(Wagtail's and the site's) and the reference index are written in bulk at the end of the run; the
page cache, which every author or keyword save would empty, is emptied once when the run ends
(``redac.delivery.invalidation.deferred``).

Forum messages become reader comments (``redac.comments.services.import_comments``) and the visit
history goes to ``redac.visits`` (``import_histories``): both are idempotent (set, not add).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents.models import Document as WagtailDocument
from wagtail.images.models import Image
from wagtail.models import GroupPagePermission, Page, Site

from redac.core.slugs import spip_slug
from redac.news import numbers
from redac.news.models import (
    LANGUAGE_CHOICES,
    ArticleAuthor,
    ArticlePage,
    Author,
    BreveAuthor,
    BreveIndexPage,
    BrevePage,
    HomePage,
    Keyword,
    KeywordGroup,
    SectionPage,
)

from . import clean, legacy
from .models import ImportRecord, LegacyURL
from .readers import types as t

BATCH_SIZE = 200
#: How many numbers above the SPIP site's highest ones stay reserved for it while it is re-synced
#: (``--reserve``): redac's own new articles, brèves, sections and documents are numbered above.
DEFAULT_RESERVE = 1000
#: SPIP object types -> the SPIP numbering they keep in redac (redac.news.numbers)
NUMBERED = {"article": numbers.Kind.ARTICLE, "breve": numbers.Kind.BREVE,
            "rubrique": numbers.Kind.RUBRIQUE, "document": numbers.Kind.DOCUMENT}  # fmt: skip
PAGE_KINDS = {"article": "articles", "breve": "breves", "rubrique": "rubriques"}
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
LANGS = {code for code, _label in LANGUAGE_CHOICES}
ALL_TYPES = ("rubriques", "articles", "breves", "auteurs", "mots", "documents", "forums",
             "visites", "redirects")  # fmt: skip
REPORT_KEYS = ("rubriques", "articles", "breves", "auteurs", "groupes_mots", "mots", "documents",
               "forums", "visits_days", "redirects", "slugs_updated")  # fmt: skip
#: SPIP author statuses -> the Wagtail group their (inactive) account joins. Wagtail's own
#: "Moderators" and "Editors" already carry the right page permissions: a SPIP administrator
#: publishes (Moderators), a rédacteur writes and submits (Editors). Visitors get a group without
#: any permission, so that they are still recognisable. Nobody becomes a superuser by import.
STATUS_GROUPS = {"0minirezo": "Moderators", "1comite": "Editors", "6forum": "Visiteurs SPIP"}
LOGO_FILES = {"article": "arton", "rubrique": "rubon", "breve": "breveon", "auteur": "auton",
              "mot": "moton"}  # fmt: skip


@dataclass
class Report:
    """What a run did. A dry run counts exactly what the real run would (it runs everything, then
    rolls back). ``unchanged``: objects whose SPIP row had not changed since the last run (left
    untouched). ``unresolved_links``: every internal reference of the imported texts that leads
    nowhere, re-checked on each run (texts not re-imported included). ``links_to_trashed``:
    references to objects SPIP had put in the trash, shown to readers as their text without a
    link, as SPIP does. ``unpublished``: objects taken offline because SPIP trashed or deleted
    them since the last run. ``conflicts``: objects edited in redac since their import, which the
    run did not overwrite. ``collisions``: SPIP objects whose number a redac object holds, not
    imported (never merged)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPORT_KEYS, 0))
    warnings: list[str] = field(default_factory=list)
    unresolved_links: list[str] = field(default_factory=list)
    links_to_trashed: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)
    skipped_unchanged: int = 0
    seconds: float = 0.0

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def as_json(self) -> dict:
        data = dict(self.counts)
        data["unchanged"] = self.skipped_unchanged
        data["warnings"] = list(self.warnings)
        data["unresolved_links"] = list(self.unresolved_links)
        data["links_to_trashed"] = list(self.links_to_trashed)
        data["unpublished"] = list(self.unpublished)
        data["conflicts"] = list(self.conflicts)
        data["collisions"] = list(self.collisions)
        data["seconds"] = round(self.seconds, 3)
        return data


def combine(*parts) -> str:
    import hashlib

    text = "|".join(str(p) for p in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SPIP stores local times without a zone: read them in the site's zone."""
    if value is None:
        return None
    if timezone.is_aware(value):
        return value
    try:
        return timezone.make_aware(value)
    except Exception:  # a time skipped by a DST change: shift it by an hour
        return timezone.make_aware(value + dt.timedelta(hours=1))


def ref(kind: str, ident: int) -> str:
    return f"spip:{kind}:{ident}"


def safe_join(img_dir: Path, relative: str) -> Path | None:
    """The file ``relative`` inside ``img_dir``, or None when the path leaves it (``../``,
    absolute paths, symbolic links pointing elsewhere): a SPIP database is untrusted input."""
    if not relative or relative.startswith(("/", "\\")) or "\x00" in relative:
        return None
    if os.path.isabs(relative) or ".." in Path(relative.replace("\\", "/")).parts:
        return None
    root = os.path.realpath(img_dir)
    candidate = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([root, candidate]) != root or candidate == root:
        return None
    return Path(candidate)


def _numbered_slug(slug: str, base: str) -> bool:
    """``slug`` is ``base`` made unique among its siblings (``base-12``, ``base-12-2``)."""
    return slug.startswith(base + "-") and slug[len(base) + 1 :].replace("-", "").isdigit()


def _body(page) -> str:
    return "\n\n".join(str(block.value) for block in page.body if block.block_type == "spip")


_FORUM_LINK = re.compile(r"\[([^\[\]]*?)->\s*([^\]\s]+)\s*\]")


def forum_text(raw: str) -> str:
    """A SPIP forum message (SPIP markup) as the plain text a comment holds: ``[texte->url]``
    keeps its address in brackets (comments turn bare http(s) addresses into links), the rest of
    the markup and any HTML is dropped."""
    import html as html_lib

    import nh3

    from redac.news.text import spip_plain

    def link(match: re.Match) -> str:
        label, url = match.group(1).strip(), clean.safe_url(match.group(2), schemes=("http",
                                                                                     "https"))  # fmt: skip
        if not url:
            return label
        return f"{label} ({url})" if label and label != url else url

    text = _FORUM_LINK.sub(link, clean.clean_text(raw))
    text = spip_plain(text)
    return html_lib.unescape(nh3.clean(text, tags=set(), attributes={})).strip()


@contextmanager
def deferred_indexing():
    """Wagtail re-indexes every saved page for search and for its reference index (two tasks
    per save, most of an import's time). During an import they are switched off, and the
    objects the run touched are indexed once at the end, in bulk (:meth:`Importer._reindex`)."""
    from django.db.models.signals import post_save
    from modelsearch import signal_handlers as search_handlers
    from modelsearch.index import get_indexed_models
    from wagtail import signal_handlers as wagtail_handlers

    models = [m for m in get_indexed_models() if getattr(m, "search_auto_update", True)]
    wagtail_handlers.disconnect_reference_index_signal_handlers()
    for model in models:
        post_save.disconnect(search_handlers.post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        wagtail_handlers.connect_reference_index_signal_handlers()
        for model in models:
            post_save.connect(search_handlers.post_save_signal_handler, sender=model)


def _update_reference_index(model, objs) -> None:
    """Wagtail's ``ReferenceIndex.create_or_update_for_object`` for many objects of one model:
    the same records (same extraction, same content types), with one query for the existing
    records of the chunk and one bulk insert, instead of several queries per object."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    content_types = [ContentType.objects.get_for_model(m, for_concrete_model=False)
                     for m in [model, *model._meta.get_parent_list()]]  # fmt: skip
    content_type, base_content_type = content_types[0], content_types[-1]
    known = {ct.id for ct in content_types}
    existing: dict[str, dict[tuple, tuple[int, int]]] = defaultdict(dict)
    for pk, ct_id, to_ct, to_id, model_path, content_path, object_id in (
        ReferenceIndex.objects.filter(base_content_type=base_content_type,
                                      object_id__in=[str(o.pk) for o in objs])
        .values_list("id", "content_type_id", "to_content_type", "to_object_id", "model_path",
                     "content_path", "object_id")
    ):  # fmt: skip
        existing[object_id][(to_ct, to_id, model_path, content_path)] = (ct_id, pk)
    new, gone = [], []
    for obj in objs:
        references = set(ReferenceIndex._extract_references_from_object(obj))
        before = existing.get(str(obj.pk), {})
        new += [
            ReferenceIndex(content_type=content_type, base_content_type=base_content_type,
                           object_id=obj.pk, to_content_type_id=to_ct, to_object_id=to_id,
                           model_path=model_path, content_path=content_path,
                           content_path_hash=ReferenceIndex._get_content_path_hash(content_path))
            for to_ct, to_id, model_path, content_path in references - before.keys()
        ]  # fmt: skip
        gone += [pk for reference, (ct_id, pk) in before.items()
                 if reference not in references and ct_id in known]  # fmt: skip
    ReferenceIndex.objects.bulk_create(new, batch_size=250, ignore_conflicts=True)
    if gone:
        ReferenceIndex.objects.filter(id__in=gone).delete()


class _TreeAppender:
    """Appends new pages under their parent as treebeard's ``add_child`` does, without its cost
    per page (most of an import's time): the parent's last child path is read once per batch
    instead of per page, the parent's ``numchild`` is incremented once per batch (in the batch's
    transaction, so the tree stays valid after ``kill -9``), the sibling slugs are read once per
    parent, and Wagtail's full validation (a query per foreign key and one for the slug) is
    replaced by the field checks, since the importer sets the foreign keys and chooses a free slug
    itself. The "page created" audit entries are written in bulk.
    """

    def __init__(self) -> None:
        self._last: dict[int, str | None] = {}
        self._slugs: dict[int, set[str]] = {}
        self._added: dict[int, int] = defaultdict(int)
        self._created: list[Page] = []
        self._fk_names: dict[type, list[str]] = {}

    def slugs(self, parent: Page) -> set[str]:
        if parent.pk not in self._slugs:
            self._slugs[parent.pk] = set(
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .values_list("slug", flat=True)
            )  # fmt: skip
        return self._slugs[parent.pk]

    def add(self, parent: Page, page: Page) -> None:
        if parent.pk not in self._last:
            self._last[parent.pk] = (
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path").values_list("path", flat=True).first()
            )  # fmt: skip
        last = self._last[parent.pk]
        page.depth = parent.depth + 1
        page.path = Page(path=last)._inc_path() if last else Page._get_path(parent.path,
                                                                             page.depth, 1)  # fmt: skip
        page.numchild = 0
        page._cached_parent_obj = parent
        page._is_site_root = False  # skips Wagtail's query: a new page below a section never is
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        model = type(page)
        if model not in self._fk_names:
            self._fk_names[model] = [f.name for f in model._meta.fields if f.is_relation]
        page.clean_fields(exclude=self._fk_names[model])
        page.save(clean=False, log_action=None)
        self._last[parent.pk] = page.path
        self._added[parent.pk] += 1
        parent.numchild += 1
        self.slugs(parent).add(page.slug)
        self._created.append(page)

    def flush(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import F
        from wagtail.models import PageLogEntry

        for parent_id, count in self._added.items():
            Page.objects.filter(pk=parent_id).update(numchild=F("numchild") + count)
        self._added.clear()
        now = timezone.now()
        PageLogEntry.objects.bulk_create([
            PageLogEntry(content_type=ContentType.objects.get_for_model(page,
                                                                        for_concrete_model=False),
                         label=page.get_admin_display_title(), action="wagtail.create",
                         timestamp=now, data={}, page=page, user=None, content_changed=True)
            for page in self._created
        ], batch_size=250)  # fmt: skip
        self._created.clear()

    def forget(self) -> None:
        """After a batch: another process may add pages between two batches."""
        self._last.clear()


class Importer:
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
        self._tree = _TreeAppender()
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
                        _update_reference_index(model, objs)
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
        if current is not None and (current.slug == base or _numbered_slug(current.slug, base)):
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
            if slug == base or _numbered_slug(slug, base):
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

    # --- keywords --------------------------------------------------------------------------------
    def import_keywords(self) -> None:
        groups = list(self.reader.keyword_groups())
        group_ids: dict[int, int] = {}
        for row in self._batches(groups, "groupes_mots"):
            key, digest = ref("groupe", row.id), t.digest(row)
            if self._unchanged(key, digest):
                group_ids[row.id] = self.records[key][1]
                continue
            group = self._existing(KeywordGroup, key) or KeywordGroup(import_ref=key)
            group.name = clean.plain_title(row.title, self.site.lang, max_length=200) or \
                f"Groupe {row.id}"  # fmt: skip
            group.description = clean.clean_text(row.descriptif or row.texte)
            group.save()
            self._record(key, digest, group)
            group_ids[row.id] = group.pk
            self.report.counts["groupes_mots"] += 1
        keywords = list(self.reader.keywords())
        fallback = None
        for row in self._batches(keywords, "mots"):
            key, digest = ref("mot", row.id), t.digest(row)
            if self._unchanged(key, digest):
                self.keyword_ids[row.id] = self.records[key][1]
                continue
            group_id = group_ids.get(row.group_id)
            if group_id is None:
                if fallback is None:
                    fallback, _ = KeywordGroup.objects.get_or_create(
                        import_ref="spip:groupe:0", defaults={"name": "Mots sans groupe"}
                    )
                group_id = fallback.pk
                self.report.warn(f"mot {row.id} : groupe {row.group_id} absent, classé dans "
                                 "« Mots sans groupe »")  # fmt: skip
            keyword = self._existing(Keyword, key) or Keyword(import_ref=key)
            keyword.group_id = group_id
            keyword.name = clean.plain_title(row.title, self.site.lang, max_length=200) or \
                f"Mot {row.id}"  # fmt: skip
            keyword.description = clean.clean_text(row.descriptif or row.texte)
            keyword.save()
            self._record(key, digest, keyword)
            self.keyword_ids[row.id] = keyword.pk
            self.report.counts["mots"] += 1
        self._load_keyword_ids()

    def _keywords(self, spip_ids: list[int]) -> list[Keyword]:
        if self._keyword_objs is None:
            self._keyword_objs = Keyword.objects.in_bulk(list(self.keyword_ids.values()))
        objs = (self._keyword_objs.get(self.keyword_ids.get(k)) for k in spip_ids)
        return [obj for obj in objs if obj is not None]

    def _load_keyword_ids(self) -> None:
        for key, (_d, object_id) in self.records.items():
            if key.startswith("spip:mot:") and object_id is not None:
                self.keyword_ids.setdefault(int(key.rsplit(":", 1)[1]), object_id)

    # --- authors ---------------------------------------------------------------------------------
    def import_authors(self) -> None:
        rows = list(self.reader.auteurs())
        restricted: list[tuple[t.Auteur, object]] = []
        for row in self._batches(rows, "auteurs"):
            key, digest = ref("auteur", row.id), t.digest(row)
            if row.status == "5poubelle":
                continue
            if self._unchanged(key, digest):
                self.author_ids[row.id] = self.records[key][1]
                continue
            author = self._existing(Author, key) or Author(import_ref=key)
            author.name = clean.plain_title(row.name, row.lang or self.site.lang,
                                            max_length=200) or f"Auteur {row.id}"  # fmt: skip
            author.bio = clean.clean_text(row.bio)[:5000]
            author.website = clean.safe_url(row.url_site, schemes=("http", "https"))
            if row.url_site and not author.website:
                self.report.warn(
                    f"auteur {row.id} : adresse de site refusée ({row.url_site[:80]!r})"
                )
            if self._logo("auteur", row.id):
                author.photo_id = self._logo("auteur", row.id)
            if row.login and row.status in STATUS_GROUPS:
                author.user = self._account(row, author)
            author.save()
            self._record(key, digest, author, status=row.status)
            self.author_ids[row.id] = author.pk
            self.report.counts["auteurs"] += 1
            if row.status == "0minirezo" and row.rubrique_ids and author.user is not None:
                restricted.append((row, author.user))
        for key, (_d, object_id) in self.records.items():
            if key.startswith("spip:auteur:") and object_id is not None:
                self.author_ids.setdefault(int(key.rsplit(":", 1)[1]), object_id)
        self._restricted = restricted

    def _account(self, row: t.Auteur, author: Author):
        """An inactive account without a password: the person asks for a new one (password
        reset) before logging in; SPIP's password hashes are never imported."""
        User = get_user_model()
        user = author.user
        if user is None:
            base = slugify(row.login)[:140] or f"spip-{row.id}"
            username = base
            while User.objects.filter(username=username).exists():
                username = f"{base}-spip{row.id}" if username == base else f"{username}x"
            user = User(username=username, is_active=False)
            user.set_unusable_password()
        email = clean.plain_text(row.email, max_length=254)
        user.email = email if "@" in email and " " not in email else ""
        first, _, last = clean.plain_title(row.name, row.lang or "fr").partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
        user.save()
        group_name = STATUS_GROUPS[row.status]
        if row.status == "0minirezo" and row.rubrique_ids:
            group_name = "Editors"  # restricted admins publish only in their sections (below)
        group, _ = Group.objects.get_or_create(name=group_name)
        user.groups.add(group)
        return user

    def _grant_sections(self) -> None:
        """SPIP's "administrateurs restreints" keep publishing rights on their sections only:
        one group per section, with Wagtail page permissions on that section's subtree."""
        for row, user in getattr(self, "_restricted", []):
            for rubrique_id in row.rubrique_ids:
                section = self.sections.get(rubrique_id)
                if section is None:
                    continue
                group, _ = Group.objects.get_or_create(
                    name=f"Administrateurs SPIP : {section.title}"[:150]
                )
                for codename in ("add_page", "change_page", "publish_page"):
                    permission = Permission.objects.get(content_type__app_label="wagtailcore",
                                                        codename=codename)  # fmt: skip
                    GroupPagePermission.objects.get_or_create(group=group, page=section,
                                                              permission=permission)  # fmt: skip
                admin_access = Permission.objects.get(content_type__app_label="wagtailadmin",
                                                      codename="access_admin")  # fmt: skip
                group.permissions.add(admin_access)
                user.groups.add(group)

    # --- documents -------------------------------------------------------------------------------
    def import_documents(self) -> None:
        rows = list(self.reader.documents())
        if self.img_dir is None and rows:
            self.report.warn("pas de dossier IMG (--img) : documents et logos non importés")
        for row in self._batches(rows, "documents"):
            self._import_document(row)
        # logos of SPIP < 4 are files named after the object (IMG/arton12.jpg)
        old_logos = self.site.spip_generation < 3 or (0 < self.site.schema_version < 2021000000)
        if self.img_dir is not None and old_logos:
            self._import_logo_files()

    def _import_document(self, row: t.Document) -> None:
        key = ref("document", row.id)
        is_logo = row.mode in ("logoon",)
        if row.mode == "logooff":
            return  # the hover logo: redac has no use for it
        if row.distant:
            self.report.warn(f"document {row.id} : document distant ({row.fichier[:80]}) non "
                             "copié")  # fmt: skip
            return
        if self.img_dir is None:
            return
        path = safe_join(self.img_dir, row.fichier)
        if path is None:
            self.report.warn(f"document {row.id} : chemin refusé, hors du dossier IMG "
                             f"({row.fichier[:80]!r})")  # fmt: skip
            return
        if not path.is_file():
            self.report.warn(f"document {row.id} : fichier absent (IMG/{row.fichier[:80]})")
            return
        digest = combine(t.digest(row), path.stat().st_size)
        if not self._unchanged(key, digest):
            found = self.records.get(key)
            if not self._number_free("document", row.id, None if not found else
                                     Image(pk=found[1]) if row.extension in IMAGE_EXTENSIONS
                                     else WagtailDocument(pk=found[1])):  # fmt: skip
                return
            obj = self._save_file(key, row, path)
            if obj is None:
                return
            extra = {"titre": row.title, "descriptif": row.descriptif, "credits": row.credits,
                     "fichier": row.fichier, "mode": row.mode,
                     "links": [list(link) for link in row.links]}  # fmt: skip
            # a dry run records too (rolled back): the redirects it counts are the real run's
            self._record(key, digest, obj, extra=extra)
            self.report.counts["documents"] += 1
        object_id = self.records[key][1]
        if is_logo:
            for objet, ident in row.links:
                self.logos[(objet, ident)] = object_id

    def _save_file(self, key: str, row: t.Document, path: Path):
        is_image = row.extension in IMAGE_EXTENSIONS
        model = Image if is_image else WagtailDocument
        found = self.records.get(key)
        obj = model.objects.filter(pk=found[1]).first() if found and found[1] else None
        title = clean.plain_title(row.title, self.site.lang) or path.name
        if self.dry_run:
            return model(pk=0, title=title)
        if obj is not None and row.id:
            self._keep_number("document", row.id, obj, is_new=False)
        if obj is None or obj.file.size != path.stat().st_size:
            if obj is None and row.id:
                obj = model()
                self._keep_number("document", row.id, obj, is_new=True)
            obj = obj or model()
            with open(path, "rb") as fh:
                obj.file = File(fh, name=path.name)
                obj.title = title
                if is_image:
                    obj.description = clean.plain_text(row.alt, max_length=255)
                try:
                    obj.save()
                except Exception as exc:  # a corrupt image: reported, not fatal
                    self.report.warn(f"document {row.id} : fichier illisible ({exc})")
                    return None
        else:
            obj.title = title
            if is_image:
                obj.description = clean.plain_text(row.alt, max_length=255)
            obj.save()
        return obj

    def _import_logo_files(self) -> None:
        """SPIP 1.9–3 logos: ``IMG/arton12.jpg``, ``IMG/rubon3.png``..."""
        if self.img_dir is None or not self.img_dir.is_dir():
            return
        prefixes = {prefix: objet for objet, prefix in LOGO_FILES.items()}
        for entry in sorted(os.scandir(self.img_dir), key=lambda e: e.name):
            stem, _, ext = entry.name.rpartition(".")
            if ext.lower() not in IMAGE_EXTENSIONS or not entry.is_file(follow_symlinks=False):
                continue
            for prefix, objet in prefixes.items():
                if stem.startswith(prefix) and stem[len(prefix) :].isdigit():
                    ident = int(stem[len(prefix) :])
                    row = t.Document(id=0, fichier=entry.name, extension=ext.lower(),
                                     mode="logoon", links=[(objet, ident)])  # fmt: skip
                    key = f"spip:logo:{objet}:{ident}"
                    path = safe_join(self.img_dir, entry.name)
                    if path is None:
                        continue
                    digest = combine(t.digest(row), path.stat().st_size)
                    if not self._unchanged(key, digest):
                        obj = self._save_file(key, row, path)
                        if obj is None:
                            continue
                        self._record(key, digest, obj, extra={
                            "mode": "logoon", "links": [[objet, ident]], "fichier": entry.name,
                        })  # fmt: skip
                        self.report.counts["documents"] += 1
                    self.logos[(objet, ident)] = self.records[key][1]

    # --- sections --------------------------------------------------------------------------------
    def import_rubriques(self) -> None:
        rows = list(self.reader.rubriques())
        by_id = {row.id: row for row in rows}
        self.rubrique_parent = {row.id: row.parent_id for row in rows}

        def depth(row, seen=()):
            if row.parent_id == 0 or row.parent_id not in by_id or row.id in seen:
                return 0
            return 1 + depth(by_id[row.parent_id], (*seen, row.id))

        # parents first; siblings in SPIP's order ("1. Titre" numbers, then title)
        rows.sort(key=lambda r: (depth(r), clean.title_number(r.title) or 0, r.title, r.id))
        self._load_sections()
        for row in self._batches(rows, "rubriques"):
            key = ref("rubrique", row.id)
            self.seen["rubrique"].add(row.id)
            digest = self._text_digest(t.digest(row), self._logo("rubrique", row.id))
            if self._unchanged(key, digest) and row.id in self.sections:
                continue
            if row.parent_id and row.parent_id not in self.sections:
                self.report.warn(f"rubrique {row.id} : rubrique parente {row.parent_id} absente, "
                                 "placée à la racine")  # fmt: skip
            parent = self.sections.get(row.parent_id) if row.parent_id else None
            parent = parent or self.home
            page = self._existing(SectionPage, key)
            is_new = page is None
            if not self._number_free("rubrique", row.id, page):
                continue
            if not is_new and self._edited_in_redac(key, page):
                self._conflict("rubrique", row.id)
                self.sections[row.id] = page
                continue
            if is_new:
                page = SectionPage(import_ref=key)
            self._keep_number("rubrique", row.id, page, is_new=is_new)
            lang = self._lang(row.lang)
            page.title = clean.plain_title(row.title, lang) or f"Rubrique {row.id}"
            page.slug = self._slug(parent, "rubrique", row.id, page.title,
                                   None if is_new else page)  # fmt: skip
            page.descriptif = self._text(row.descriptif)
            page.body = [("spip", self._text(row.texte))] if row.texte.strip() else []
            page.logo_id = self._logo("rubrique", row.id)
            page.show_in_menus = row.parent_id == 0
            status = "publie" if row.status == "publie" else "prepa"
            if not is_new and page.get_parent().pk != parent.pk:
                page = self._move(page, parent)
                self._apply_section_fields(page, row, lang, parent)
            page = self._save_page(parent, page, is_new=is_new, status=status,
                                   date=aware(row.date))  # fmt: skip
            self._record(key, digest, page, status=row.status)
            self.sections[row.id] = page
            self.changed_texts.append((key, lang, [page.descriptif, _body(page)]))
            self.report.counts["rubriques"] += 1
        self._grant_sections()

    def _apply_section_fields(self, page, row, lang, parent) -> None:
        page.title = clean.plain_title(row.title, lang) or f"Rubrique {row.id}"
        page.descriptif = self._text(row.descriptif)
        page.body = [("spip", self._text(row.texte))] if row.texte.strip() else []
        page.logo_id = self._logo("rubrique", row.id)

    def _load_sections(self) -> None:
        if self.sections:
            return
        for page in SectionPage.objects.filter(import_ref__startswith="spip:rubrique:"):
            self.sections[int(page.import_ref.rsplit(":", 1)[1])] = page
        if not self.rubrique_parent:
            self.rubrique_parent = {r.id: r.parent_id for r in self.reader.rubriques()}

    def _sector(self, rubrique_id: int) -> int:
        seen = set()
        while self.rubrique_parent.get(rubrique_id, 0) and rubrique_id not in seen:
            seen.add(rubrique_id)
            rubrique_id = self.rubrique_parent[rubrique_id]
        return rubrique_id

    def _breve_listing(self, rubrique_id: int) -> BreveIndexPage | None:
        sector_id = self._sector(rubrique_id)
        if sector_id in self.breve_listings:
            return self.breve_listings[sector_id]
        sector = self.sections.get(sector_id)
        if sector is None:
            return None
        listing = BreveIndexPage.objects.child_of(sector).first()
        if listing is None:
            listing = BreveIndexPage(title="Brèves", slug=self._slug(sector, "breves", 0,
                                                                      "breves", None))  # fmt: skip
            listing.live, listing.has_unpublished_changes = True, False
            listing.first_published_at = listing.last_published_at = timezone.now()
            self._tree.add(sector, listing)
        self.breve_listings[sector_id] = listing
        return listing

    # --- articles and brèves ---------------------------------------------------------------------
    def _wanted_status(self, status: str, key: str) -> str | None:
        if status == "poubelle" and not self.with_trash:
            return None
        return status if status in ("publie", "prop", "prepa", "refuse") else "prepa"

    def _too_old(self, *dates) -> bool:
        if self.since is None:
            return False
        return all((aware(d) or self.since) < self.since for d in dates)

    def import_articles(self) -> None:
        rows = list(self.reader.articles())
        for row in self._batches(rows, "articles"):
            key = ref("article", row.id)
            status = self._wanted_status(row.status, key)
            if status is None:
                self.trashed_refs.add(key)
                continue
            self.seen["article"].add(row.id)
            if row.redirect_target:
                self._virtual_articles.append(row)
                if status == "publie":
                    self.virtual_published.add(key)
                continue
            if self._too_old(row.date, row.date_modif):
                continue
            digest = self._text_digest(t.digest(row), self._logo("article", row.id))
            if self._unchanged(key, digest):
                continue
            parent = self.sections.get(row.rubrique_id)
            if parent is None:
                self.report.warn(f"article {row.id} : rubrique {row.rubrique_id} absente, "
                                 "article non importé")  # fmt: skip
                continue
            page = self._existing(ArticlePage, key)
            is_new = page is None
            if not self._number_free("article", row.id, page):
                continue
            if not is_new and self._edited_in_redac(key, page):
                self._conflict("article", row.id)
                continue
            if is_new:
                page = ArticlePage(import_ref=key)
            elif page.get_parent().pk != parent.pk:
                page = self._move(page, parent)
            self._keep_number("article", row.id, page, is_new=is_new)
            lang = self._lang(row.lang)
            page.title = clean.plain_title(row.title, lang) or f"Article {row.id}"
            page.slug = self._slug(parent, "article", row.id, page.title,
                                   None if is_new else page)  # fmt: skip
            page.surtitre = clean.plain_title(row.surtitre, lang)
            page.soustitre = clean.plain_title(row.soustitre, lang)
            page.descriptif = self._text(row.descriptif)
            page.chapo = self._text(row.chapo)
            page.body = [("spip", self._text(row.texte))] if row.texte.strip() else []
            page.ps = self._text(row.ps)
            # « Voir en ligne » (SPIP's nom_site / url_site): a site the article is about
            page.site_name = clean.plain_title(row.nom_site, lang)[:255]
            page.site_url = clean.safe_url(row.url_site, schemes=("http", "https"))
            if row.url_site.strip() and not page.site_url:
                self.report.warn(f"article {row.id} : lien « voir en ligne » refusé "
                                 f"({row.url_site[:80]!r})")  # fmt: skip
            page.date = aware(row.date) or aware(row.date_modif) or timezone.now()
            page.date_redac = aware(row.date_redac)
            page.lang = lang
            page.visit_count = max(row.visites, 0)
            # SPIP's per-article forum setting: a posteriori, a priori, subscribers (a priori
            # here: redac has no reader accounts), none (what was published stays visible)
            page.comments_mode = {"pos": "post", "pri": "pre", "abo": "pre", "non": "closed"}.get(
                row.accepter_forum.strip(), page.comments_mode or "pre")  # fmt: skip
            page.lead_image_id = self._logo("article", row.id)
            authors = [self.author_ids[a] for a in row.author_ids if a in self.author_ids]
            if not is_new:
                page.keywords = self._keywords(row.keyword_ids)
                page.author_links = [ArticleAuthor(author_id=a, sort_order=n)
                                     for n, a in enumerate(authors)]  # fmt: skip
            page = self._save_page(parent, page, is_new=is_new, status=status, date=page.date)
            if is_new:
                self._new_links.append((ArticlePage, page.pk, authors,
                                        [k.pk for k in self._keywords(row.keyword_ids)]))  # fmt: skip
            extra = {"trad": row.trad_id} if row.trad_id else {}
            self._record(key, digest, page, status=row.status, extra=extra)
            self.changed_texts.append((key, lang, [page.chapo, _body(page), page.ps,
                                                   page.descriptif]))  # fmt: skip
            self.report.counts["articles"] += 1

    def import_breves(self) -> None:
        rows = list(self.reader.breves())
        for row in self._batches(rows, "breves"):
            key = ref("breve", row.id)
            status = self._wanted_status(row.status, key)
            if status is None:
                self.trashed_refs.add(key)
                continue
            self.seen["breve"].add(row.id)
            if self._too_old(row.date):
                continue
            digest = self._text_digest(t.digest(row))
            if self._unchanged(key, digest):
                continue
            parent = self._breve_listing(row.rubrique_id)
            if parent is None:
                self.report.warn(f"brève {row.id} : rubrique {row.rubrique_id} absente, "
                                 "brève non importée")  # fmt: skip
                continue
            page = self._existing(BrevePage, key)
            is_new = page is None
            if not self._number_free("breve", row.id, page):
                continue
            if not is_new and self._edited_in_redac(key, page):
                self._conflict("breve", row.id)
                continue
            if is_new:
                page = BrevePage(import_ref=key)
            elif page.get_parent().pk != parent.pk:
                page = self._move(page, parent)
            self._keep_number("breve", row.id, page, is_new=is_new)
            lang = self._lang(row.lang)
            page.title = clean.plain_title(row.title, lang) or f"Brève {row.id}"
            page.slug = self._slug(parent, "breve", row.id, page.title,
                                   None if is_new else page)  # fmt: skip
            page.body = [("spip", self._text(row.texte))] if row.texte.strip() else []
            page.lien_titre = clean.plain_title(row.lien_titre, lang)
            page.lien_url = clean.safe_url(row.lien_url, schemes=("http", "https"))
            if row.lien_url.strip() and not page.lien_url:
                self.report.warn(f"brève {row.id} : lien refusé ({row.lien_url[:80]!r})")
            page.date = aware(row.date) or timezone.now()
            page.lang = lang
            authors = [self.author_ids[a] for a in row.author_ids if a in self.author_ids]
            if not is_new:
                page.keywords = self._keywords(row.keyword_ids)
                page.author_links = [BreveAuthor(author_id=a, sort_order=n)
                                     for n, a in enumerate(authors)]  # fmt: skip
            page = self._save_page(parent, page, is_new=is_new, status=status, date=page.date)
            if is_new:
                self._new_links.append((BrevePage, page.pk, authors,
                                        [k.pk for k in self._keywords(row.keyword_ids)]))  # fmt: skip
            self._record(key, digest, page, status=row.status)
            self.changed_texts.append((key, lang, [_body(page)]))
            self.report.counts["breves"] += 1

    # --- forums ----------------------------------------------------------------------------------
    def import_forums(self) -> None:
        """SPIP forum messages become reader comments (``redac.comments``), threaded, with their
        statuses: publie -> published, prop -> pending, off -> rejected, spam -> spam. SPIP's
        private forums (``priv*``: discussions between editors in the back office) are not
        reader comments and are not imported (the report counts them)."""
        from redac.comments.models import Comment
        from redac.comments.services import ImportedForumMessage as Message
        from redac.comments.services import import_comments, spip_comment_status

        rows = list(self.reader.forums())
        page_ids = {}
        for key, (_d, object_id) in self.records.items():
            if key.split(":")[1] in ("article", "breve", "rubrique"):
                page_ids[key] = object_id
        private = 0
        for start in range(0, len(rows), BATCH_SIZE):
            with transaction.atomic():
                self._in_batch = True
                try:
                    messages, keys = [], {}
                    for row in rows[start : start + BATCH_SIZE]:
                        key, digest = ref("forum", row.id), t.digest(row)
                        if self._too_old(row.date) or self._unchanged(key, digest):
                            continue
                        if spip_comment_status(row.status) is None:
                            private += 1
                            continue
                        page_id = page_ids.get(ref(row.objet or "site", row.object_id))
                        if page_id is None:
                            self.report.warn(f"forum {row.id} : {row.objet or 'objet'} "
                                             f"{row.object_id} non importé, message non repris")  # fmt: skip
                            continue
                        messages.append(Message(
                            id_forum=row.id, page=Page(pk=page_id),
                            author_name=clean.plain_text(row.author_name, max_length=255),
                            body=forum_text(row.texte),
                            title=clean.plain_title(row.title, self.site.lang),
                            statut=row.status, date=aware(row.date),
                            author_email=row.author_email, ip=row.ip, id_parent=row.parent_id,
                        ))  # fmt: skip
                        keys[key] = (digest, row.status)
                    import_comments(messages, announce=False)
                    ids = dict(Comment.objects.filter(import_ref__in=list(keys))
                               .values_list("import_ref", "pk"))  # fmt: skip
                    for key, (digest, status) in keys.items():
                        self._record(key, digest, Comment(pk=ids[key]), status=status)
                        self.report.counts["forums"] += 1
                    self._flush()
                finally:
                    self._in_batch = False
            self.progress("forums", min(start + BATCH_SIZE, len(rows)), len(rows))
        if private:
            self.report.warn(f"{private} message(s) de forums privés (espace privé de SPIP) "
                             "non repris : ce ne sont pas des commentaires de lecteurs")  # fmt: skip

    # --- visits ----------------------------------------------------------------------------------
    def import_visits(self) -> None:
        """SPIP's audience -> ``redac.visits``: each article's total (``visites``, the number
        the page shows) and popularity, its daily series and referrers, the site's daily series
        and referrers. Figures are *set*, so a re-run never doubles them."""
        import hashlib

        from redac.visits.services import PageHistory, import_histories, import_site_history

        days = list(self.reader.visit_days())
        referrers = list(self.reader.referrers())
        totals = {a.id: (max(a.visites, 0), max(a.popularite, 0.0))
                  for a in self.reader.articles()}  # fmt: skip
        fingerprint = hashlib.sha1(usedforsecurity=False)
        for day in days:
            fingerprint.update(f"{day.objet}:{day.object_id}:{day.date}:{day.visits};".encode())
        for r in referrers:
            fingerprint.update(f"{r.objet}:{r.object_id}:{r.url}:{r.visits};".encode())
        for ident, (total, score) in sorted(totals.items()):
            fingerprint.update(f"{ident}:{total}:{score};".encode())
        pages = {ident: self.records[ref("article", ident)][1] for ident in totals
                 if self.records.get(ref("article", ident), (None, None))[1] is not None}  # fmt: skip
        fingerprint.update(repr(sorted(pages.items())).encode())
        digest = fingerprint.hexdigest()
        if self._unchanged("spip:visits:all", digest):
            return
        daily: dict[tuple[str, int], dict] = defaultdict(dict)
        for day in days:
            daily[(day.objet, day.object_id)][day.date] = max(day.visits, 0)
        sources: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in referrers:
            url = clean.plain_text(r.url, max_length=500)
            if url:
                sources[(r.objet, r.object_id)][url] += max(r.visits, 0)
        histories = [
            PageHistory(page_id=page_id, total=totals[ident][0], daily=daily[("article", ident)],
                        popularity=totals[ident][1], referrers=dict(sources[("article", ident)]),
                        counter_model=ArticlePage)
            for ident, page_id in pages.items()
        ]  # fmt: skip
        # SPIP's site-wide referrers include the articles' ones: the home page gets the rest
        site_sources = dict(sources[("site", 0)])
        for (objet, _ident), urls in sources.items():
            if objet == "article":
                for url, count in urls.items():
                    if url in site_sources:
                        site_sources[url] = max(site_sources[url] - count, 0)
        site_sources = {url: count for url, count in site_sources.items() if count}
        with transaction.atomic():
            for start in range(0, len(histories), 1000):
                import_histories(histories[start : start + 1000])
            import_site_history(daily[("site", 0)])
            if site_sources:
                site_days = daily[("site", 0)]
                import_histories([PageHistory(
                    page_id=self.home.pk, total=None, referrers=site_sources,
                    referrer_day=max(site_days) if site_days else None,
                )])  # fmt: skip
            ImportRecord.objects.update_or_create(
                ref="spip:visits:all",
                defaults={"digest": digest, "model": "visits.pagestats", "object_id": 0})  # fmt: skip
        self.records["spip:visits:all"] = (digest, 0)
        self.report.counts["visits_days"] = len(days)

    # --- redirects -------------------------------------------------------------------------------
    def import_redirects(self) -> None:
        wanted: dict[str, tuple[str, str]] = {}  # key -> (target_ref, target_url)
        for key in self.records:
            parts = key.split(":")
            if len(parts) != 3:
                continue
            _spip, kind, ident = parts
            if kind in ("article", "breve", "rubrique", "mot", "auteur"):
                wanted[legacy.canonical(kind, int(ident))] = (key, "")
            elif kind == "document":
                pass
        for record in ImportRecord.objects.filter(ref__startswith="spip:document:"):
            fichier = (record.extra or {}).get("fichier")
            if fichier:
                wanted[legacy.img_key(fichier)] = (record.ref, "")
        for row in self._url_rows:
            kind = row.type
            if kind in ("article", "breve", "rubrique", "mot", "auteur") and row.url:
                target = ref(kind, row.object_id)
                if target in self.records or kind == "article":
                    wanted.setdefault(legacy.slug_key(kind, row.url), (target, ""))
        offline_virtuals = []
        for row in getattr(self, "_virtual_articles", []):
            if ref("article", row.id) not in self.virtual_published:
                # SPIP redirects only for a published virtual article; a draft one answers 404
                offline_virtuals.append(legacy.canonical("article", row.id))
                slug = self.slugs.get(("article", row.id))
                if slug:
                    offline_virtuals.append(legacy.slug_key("article", slug))
                continue
            target_ref, target_url = self._virtual_target(row.redirect_target)
            if not (target_ref or target_url):
                self.report.warn(f"article {row.id} : redirection vers une adresse refusée "
                                 f"({row.redirect_target[:80]!r})")  # fmt: skip
                continue
            wanted[legacy.canonical("article", row.id)] = (target_ref, target_url)
            slug = self.slugs.get(("article", row.id))
            if slug:
                wanted[legacy.slug_key("article", slug)] = (target_ref, target_url)
        existing = dict(
            (k, (r, u)) for k, r, u in LegacyURL.objects.values_list("key", "target_ref",
                                                                     "target_url").iterator()
        )  # fmt: skip
        if "articles" in self.only:
            # virtual articles trashed, deleted or unpublished in SPIP since the last run: their
            # redirects go (an article's own address points at itself, a virtual one's elsewhere)
            for key, (target_ref, target_url) in existing.items():
                ident = key[len("spip.php?article") :] if key.startswith("spip.php?article") else ""
                own = ref("article", int(ident)) if ident.isdigit() else ""
                if own and (target_url or target_ref != own) and own not in self.virtual_published:
                    offline_virtuals.append(key)
        offline = set(offline_virtuals)
        wanted = {k: v for k, v in wanted.items() if k not in offline}
        new = [LegacyURL(key=k, target_ref=r, target_url=u) for k, (r, u) in wanted.items()
               if k not in existing]  # fmt: skip
        changed = [(k, r, u) for k, (r, u) in wanted.items()
                   if k in existing and existing[k] != (r, u)]  # fmt: skip
        with transaction.atomic():
            for start in range(0, len(new), 1000):
                LegacyURL.objects.bulk_create(new[start : start + 1000], ignore_conflicts=True)
            for k, r, u in changed:
                LegacyURL.objects.filter(key=k).update(target_ref=r, target_url=u)
            if offline:
                LegacyURL.objects.filter(key__in=offline).delete()
        self.report.counts["redirects"] = len(new) + len(changed)

    def _virtual_target(self, target: str) -> tuple[str, str]:
        """A redirect article's target: an internal shortcut (``art12``, ``rubrique3``) or a URL."""
        import re

        match = re.match(r"^(art|article|br|breve|rub|rubrique|mot|aut|auteur)\s*(\d+)$",
                         target.strip(), re.I)  # fmt: skip
        if match:
            kind = {"art": "article", "br": "breve", "rub": "rubrique",
                    "aut": "auteur"}.get(match.group(1).lower(), match.group(1).lower())  # fmt: skip
            return ref(kind, int(match.group(2))), ""
        return "", clean.safe_url(target)

    # --- pass 2: texts ---------------------------------------------------------------------------
    def check_texts(self) -> None:
        try:
            from redac.typo import render
        except ImportError:
            if self.changed_texts:
                self.report.warn("moteur de texte (redac.typo) indisponible : liens internes "
                                 "non vérifiés")  # fmt: skip
            return
        from .resolver import RecordingResolver

        known = {key for key, (_d, object_id) in self.records.items() if object_id is not None}
        known |= self.virtual_published  # they answer: a 301 to their target

        def exists(target: str) -> bool:
            return target in known

        # texts rendered by this run: their references, noted on their import records so that
        # the next run re-checks them without rendering the texts again
        checked: dict[str, list[str]] = {}
        for source_ref, lang, texts in self.changed_texts:
            recorder = RecordingResolver(lambda target: True)
            for text in texts:
                if not text:
                    continue
                try:
                    render(text, lang=lang, resolver=recorder)
                except Exception as exc:  # the engine must never stop an import
                    self.report.warn(f"{source_ref} : texte illisible ({type(exc).__name__})")
            checked[source_ref] = list(dict.fromkeys(recorder.seen))
        if checked and not self.dry_run:
            keys = list(checked)
            for start in range(0, len(keys), 500):
                with transaction.atomic():
                    records = list(ImportRecord.objects.filter(ref__in=keys[start : start + 500]))
                    for record in records:
                        record.extra = {**(record.extra or {}), "refs": checked[record.ref]}
                    ImportRecord.objects.bulk_update(records, ["extra"], batch_size=250)
        refs_by_source = {key: extra.get("refs", []) for key, extra in self.extras.items()
                          if extra.get("refs")}  # fmt: skip
        refs_by_source.update(checked)
        seen: set[str] = set()
        for source_ref in sorted(refs_by_source, key=_ref_order):
            if source_ref not in known:
                continue  # not imported (any more): its links are nobody's
            for target in refs_by_source[source_ref]:
                if exists(target):
                    continue
                entry = f"{source_ref} -> {target}"
                if entry in seen:
                    continue
                seen.add(entry)
                if target in self.trashed_refs:
                    self.report.links_to_trashed.append(entry)
                else:
                    self.report.unresolved_links.append(entry)


def _ref_order(key: str):
    kind, _, ident = key.partition(":")[2].partition(":")
    return (kind, int(ident) if ident.isdigit() else 0, key)


class _DryRunDone(Exception):
    pass
