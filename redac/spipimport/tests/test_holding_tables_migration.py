"""Migration 0002 moves what the first importer left in its holding tables into the comments and
visits apps, then drops the tables (docs/migrate-from-spip.md, « Limites connues »)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from wagtail.models import Page

from redac.comments.models import Comment
from redac.spipimport.models import ImportRecord
from redac.visits.models import DailyPageVisits, DailyReferrer, DailySiteVisits


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_holding_tables_are_drained_into_comments_and_visits_then_dropped():
    call_command("migrate", "spipimport", "0001", verbosity=0)
    try:
        apps = MigrationExecutor(connection).loader.project_state(
            ("spipimport", "0001_initial")).apps  # fmt: skip
        message = apps.get_model("spipimport", "ImportedForumMessage")
        day = apps.get_model("spipimport", "ImportedVisitDay")
        referrer = apps.get_model("spipimport", "ImportedReferrer")
        record = apps.get_model("spipimport", "ImportRecord")
        page_id = Page.objects.filter(depth=2).values_list("pk", flat=True).first()
        now = timezone.now()
        first = message.objects.create(spip_id=1, object_ref="spip:article:1", page_id=page_id,
                                       date=now, title="T", text="Bonjour", author_name="Paul",
                                       status="publie")  # fmt: skip
        message.objects.create(spip_id=2, parent=first, object_ref="spip:article:1",
                               page_id=page_id, date=now, text="Réponse", author_name="Zoé",
                               status="prop")  # fmt: skip
        message.objects.create(spip_id=3, object_ref="spip:article:1", page_id=page_id, date=now,
                               text="Entre nous", author_name="X", status="privrac")  # fmt: skip
        record.objects.create(ref="spip:article:1", digest="x", model="news.articlepage",
                              object_id=page_id)  # fmt: skip
        record.objects.create(ref="spip:forum:1", digest="x", object_id=first.pk,
                              model="spipimport.importedforummessage")  # fmt: skip
        day.objects.create(object_ref="spip:article:1", date=dt.date(2025, 1, 1), visits=5)
        day.objects.create(object_ref="spip:site:0", date=dt.date(2025, 1, 1), visits=50)
        referrer.objects.create(object_ref="spip:article:1", url="https://www.qwant.com/", visits=3)
    finally:
        call_command("migrate", "spipimport", verbosity=0)

    assert list(Comment.objects.order_by("import_ref").values_list(
        "import_ref", "status", "parent__import_ref", "body")) == [
        ("spip:forum:1", "published", None, "T\n\nBonjour"),
        ("spip:forum:2", "pending", "spip:forum:1", "Réponse"),
    ]  # fmt: skip
    assert list(DailyPageVisits.objects.values_list("page_id", "visits")) == [(page_id, 5)]
    assert list(DailySiteVisits.objects.values_list("visits", flat=True)) == [50]
    assert list(DailyReferrer.objects.values_list("domain", "visits")) == [
        ("Moteurs de recherche : Qwant", 3)]  # fmt: skip
    # the next import re-reads forums and visits from SPIP (the records that pointed at the
    # holding tables are gone)
    assert list(ImportRecord.objects.values_list("ref", flat=True)) == ["spip:article:1"]
    assert not [t for t in connection.introspection.table_names() if "spipimport_imported" in t]
