from django.db import migrations


def number_existing_documents(apps, schema_editor):
    """Images and documents share SPIP's one numbering (``<img4>``, ``<doc4>``, ``<emb4>``): an
    imported one keeps its SPIP number (its import record ``spip:document:4``), the others
    (uploaded in redac, or SPIP < 4 logo files, which had no number) follow in upload order."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    SpipNumber = apps.get_model("news", "SpipNumber")
    Counter = apps.get_model("news", "SpipNumberCounter")
    ImportRecord = apps.get_model("spipimport", "ImportRecord")
    types = {
        "wagtailimages.image": ContentType.objects.get_or_create(
            app_label="wagtailimages", model="image")[0],
        "wagtaildocs.document": ContentType.objects.get_or_create(
            app_label="wagtaildocs", model="document")[0],
    }
    rows, taken, held = [], set(), set()
    for ref, model, object_id in ImportRecord.objects.filter(
        ref__startswith="spip:document:"
    ).values_list("ref", "model", "object_id"):
        number = ref.rsplit(":", 1)[1]
        if model in types and object_id is not None and number.isdigit():
            if int(number) in taken or (model, object_id) in held:
                continue
            taken.add(int(number))
            held.add((model, object_id))
            rows.append(SpipNumber(kind="document", number=int(number), object_id=object_id,
                                   content_type=types[model], from_spip=True))
    counter = Counter.objects.filter(kind="document").first()
    last = max(max(taken, default=0), counter.last if counter else 0)
    later = []
    for label, app_label, model_name in (("wagtailimages.image", "wagtailimages", "image"),
                                         ("wagtaildocs.document", "wagtaildocs", "document")):
        model = apps.get_model(app_label, model_name)
        for pk, created in model.objects.values_list("pk", "created_at"):
            if (label, pk) not in held:
                later.append((created, label, pk))
    for _created, label, pk in sorted(later, key=lambda row: (row[0], row[1], row[2])):
        last += 1
        rows.append(SpipNumber(kind="document", number=last, object_id=pk,
                               content_type=types[label]))
    SpipNumber.objects.bulk_create(rows, batch_size=500)
    Counter.objects.update_or_create(kind="document", defaults={"last": last})


class Migration(migrations.Migration):
    dependencies = [
        ("spipimport", "0002_drain_holding_tables"),
        ("news", "0004_spip_numbers"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(number_existing_documents, migrations.RunPython.noop),
    ]
