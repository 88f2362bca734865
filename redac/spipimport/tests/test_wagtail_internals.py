"""The importer does some of Wagtail's bookkeeping itself, in bulk (redac.spipimport.mapping.
wagtail_bulk): it appends pages to treebeard's tree (``Page._get_path``, ``_inc_path``,
``save(clean=False)``, ``numchild`` counted per batch) and writes the reference index
(``ReferenceIndex._extract_references_from_object``). These tests fail when Wagtail or treebeard
change under it: after an import, and after a re-sync that moves and changes an article, the tree
is one treebeard finds no problem in and would not repair, every ``url_path`` is the one Wagtail
builds, and the reference index holds exactly the rows Wagtail's own indexing writes."""

from __future__ import annotations

import sqlite3

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page, ReferenceIndex

from redac.spipimport.models import ImportRecord

pytestmark = pytest.mark.django_db

REFERENCE_FIELDS = ("content_type_id", "base_content_type_id", "object_id", "to_content_type_id",
                    "to_object_id", "model_path", "content_path", "content_path_hash")  # fmt: skip


def _tree() -> list[tuple]:
    return list(Page.objects.order_by("path").values_list("pk", "path", "depth", "numchild"))


def assert_tree_is_treebeards():
    evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild = Page.find_problems()
    assert (evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild) == ([], [], [], [], [])
    before = _tree()
    with transaction.atomic():
        Page.fix_tree()  # treebeard's repair (depth, numchild): nothing to repair
        assert _tree() == before
        transaction.set_rollback(True)
    for page in Page.objects.filter(depth__gt=1).order_by("path"):
        expected = page.get_parent().url_path + page.slug + "/"
        assert page.url_path == expected, page


def _imported_objects() -> list:
    objects = []
    for label, object_id in ImportRecord.objects.filter(
        ref__startswith="spip:", object_id__isnull=False
    ).values_list("model", "object_id"):  # fmt: skip
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if ReferenceIndex.is_indexed(model):
            obj = model.objects.filter(pk=object_id).first()
            if obj is not None:
                objects.append(obj)
    return objects


def _base_content_type(obj):
    """The content type of the model holding the object's primary key (``Page`` for a page)."""
    parents = obj._meta.get_parent_list()
    return ContentType.objects.get_for_model(parents[-1] if parents else obj,
                                             for_concrete_model=False)  # fmt: skip


def _rows(objects) -> set[tuple]:
    rows = set()
    for obj in objects:
        base = _base_content_type(obj)
        rows |= set(ReferenceIndex.objects.filter(base_content_type=base, object_id=str(obj.pk))
                    .values_list(*REFERENCE_FIELDS))  # fmt: skip
    return rows


def assert_reference_index_is_wagtails():
    objects = _imported_objects()
    assert any(isinstance(obj, Page) for obj in objects)
    written = _rows(objects)
    assert written, "the import wrote no reference at all: the test would prove nothing"
    with transaction.atomic():
        for obj in objects:
            ReferenceIndex.objects.filter(
                base_content_type=_base_content_type(obj),
                object_id=str(obj.pk),
            ).delete()
            ReferenceIndex.create_or_update_for_object(obj)
        rebuilt = _rows(objects)
        transaction.set_rollback(True)
    assert written == rebuilt


def test_an_import_leaves_the_tree_and_the_reference_index_as_wagtail_makes_them(
    spip4_site, run_import
):
    source, img = spip4_site
    run_import(source, "--img", img)
    assert_tree_is_treebeards()
    assert_reference_index_is_wagtails()


def test_a_resync_that_moves_and_changes_an_article_keeps_them_so(spip4_site, run_import,
                                                                  tmp_path):  # fmt: skip
    source, img = spip4_site
    run_import(source, "--img", img)
    changed = tmp_path / "changed.sqlite"
    changed.write_bytes(source.read_bytes())
    db = sqlite3.connect(changed)
    (current,) = db.execute("SELECT id_rubrique FROM spip_articles WHERE id_article=3").fetchone()
    (elsewhere,) = db.execute(
        "SELECT id_rubrique FROM spip_rubriques WHERE id_rubrique != ? ORDER BY id_rubrique",
        [current],
    ).fetchone()
    db.execute("UPDATE spip_articles SET titre='Déplacé', texte='Nouveau texte', id_rubrique=? "
               "WHERE id_article=3", [elsewhere])  # fmt: skip
    db.execute("DELETE FROM spip_mots_liens WHERE objet='article' AND id_objet=3")
    db.commit()
    db.close()
    report = run_import(changed, "--img", img)
    assert report["articles"] == 1
    from redac.news.models import ArticlePage, SectionPage

    article = ArticlePage.objects.get(import_ref="spip:article:3")
    assert article.get_parent().specific == SectionPage.objects.get(
        import_ref=f"spip:rubrique:{elsewhere}"
    )
    assert_tree_is_treebeards()
    assert_reference_index_is_wagtails()
