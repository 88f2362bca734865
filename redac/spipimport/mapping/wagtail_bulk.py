"""Wagtail's bookkeeping, done in bulk for an import: pages appended to the tree, the reference
index, search indexing switched off while the import runs.

These re-implement Wagtail and treebeard internals (``Page._get_path``, ``_inc_path``,
``save(clean=False)``, ``ReferenceIndex._extract_references_from_object``): the tests in
``redac/spipimport/tests/test_wagtail_internals.py`` compare their result with Wagtail's own
(treebeard's ``find_problems``, ``ReferenceIndex`` rebuilt by Wagtail) and fail if Wagtail changes
under them."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

from django.utils import timezone
from wagtail.models import Page


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


def update_reference_index(model, objs) -> None:
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


class TreeAppender:
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
