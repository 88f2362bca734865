"""The holding tables (forum messages, visit days, referrers) are drained into the comments and
visits apps, then dropped: those apps now own that data, and the importer writes to them directly.

Rows are moved as the importer would now write them (statuses mapped, private forums skipped, no
IP: the holding table never had one). The import records of forums and visits are removed, so
that the next ``redac import-spip`` re-reads them from SPIP (idempotently: ``import_ref``) and
fills in what the holding tables could not carry (threads across pages, popularity).
"""

from django.db import migrations

STATUSES = {"publie": "published", "prop": "pending", "off": "rejected", "spam": "spam",
            "poubelle": "rejected"}  # fmt: skip


def drain(apps, schema_editor):
    Message = apps.get_model("spipimport", "ImportedForumMessage")
    VisitDay = apps.get_model("spipimport", "ImportedVisitDay")
    Referrer = apps.get_model("spipimport", "ImportedReferrer")
    Record = apps.get_model("spipimport", "ImportRecord")
    Comment = apps.get_model("comments", "Comment")
    DailyPageVisits = apps.get_model("visits", "DailyPageVisits")
    DailySiteVisits = apps.get_model("visits", "DailySiteVisits")
    DailyReferrer = apps.get_model("visits", "DailyReferrer")

    by_spip = {}
    for message in Message.objects.order_by("spip_id"):
        status = STATUSES.get(message.status, None if message.status.startswith("priv") else
                              "pending")  # fmt: skip
        if status is None or message.page_id is None or message.date is None:
            continue
        body = message.text.strip()
        if message.title and not body.startswith(message.title):
            body = f"{message.title}\n\n{body}".strip()
        comment, _ = Comment.objects.update_or_create(
            import_ref=f"spip:forum:{message.spip_id}",
            defaults={"page_id": message.page_id, "author_name": message.author_name[:80]
                      or "Anonyme", "author_email": message.author_email[:254],
                      "body": body[:5000], "status": status, "created_at": message.date},
        )  # fmt: skip
        by_spip[message.pk] = comment.pk
    for message in Message.objects.exclude(parent=None):
        if message.pk in by_spip and message.parent_id in by_spip:
            Comment.objects.filter(pk=by_spip[message.pk]).update(
                parent_id=by_spip[message.parent_id]
            )
    pages = dict(Record.objects.filter(ref__startswith="spip:article:")
                 .values_list("ref", "object_id"))  # fmt: skip
    for day in VisitDay.objects.all():
        if day.object_ref == "spip:site:0":
            DailySiteVisits.objects.update_or_create(day=day.date,
                                                     defaults={"visits": day.visits})  # fmt: skip
        elif day.object_ref in pages:
            DailyPageVisits.objects.update_or_create(page_id=pages[day.object_ref], day=day.date,
                                                     defaults={"visits": day.visits})  # fmt: skip
    last_day = VisitDay.objects.order_by("-date").values_list("date", flat=True).first()
    # the visits app's labels (a pure function: domains, search engines grouped)
    from redac.visits.visitor import referrer_label

    for referrer in Referrer.objects.all():
        url = referrer.url if "://" in referrer.url else f"http://{referrer.url}"
        label = referrer_label(url, set())
        if referrer.object_ref in pages and label and last_day:
            DailyReferrer.objects.update_or_create(
                page_id=pages[referrer.object_ref], day=last_day, domain=label[:120],
                defaults={"visits": referrer.visits},
            )  # fmt: skip
    Record.objects.filter(ref__startswith="spip:forum:").delete()
    Record.objects.filter(ref="spip:visits:all").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("spipimport", "0001_initial"),
        ("comments", "0001_initial"),
        ("visits", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drain, migrations.RunPython.noop),
        migrations.DeleteModel(name="ImportedForumMessage"),
        migrations.DeleteModel(name="ImportedReferrer"),
        migrations.DeleteModel(name="ImportedVisitDay"),
    ]
