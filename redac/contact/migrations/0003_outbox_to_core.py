"""The mail outbox moves to core (issue 19: comments, newsletter and newsroom mailed through the
contact app). The table keeps its name and its rows: only Django's state moves
(core.0006_outgoingmail takes it over). The link to the contact message becomes a plain column
(core cannot point at contact), read through ``OutgoingMail.source_id``; the permissions of the
model follow it (its content type is renamed, so groups keep them)."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="core", model="outgoingmail").exists():
        ContentType.objects.filter(app_label="contact", model="outgoingmail").delete()
    else:
        ContentType.objects.filter(app_label="contact", model="outgoingmail").update(
            app_label="core"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="contact", model="outgoingmail").exists():
        ContentType.objects.filter(app_label="core", model="outgoingmail").update(
            app_label="contact"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0002_messages_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    run_before = [("core", "0006_outgoingmail")]

    operations = [
        # A foreign key no more (its constraint goes), same column, same index.
        migrations.AlterField(
            model_name="outgoingmail",
            name="contact_message",
            field=models.BigIntegerField(
                blank=True, db_column="contact_message_id", db_index=True, null=True
            ),
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutgoingMail")],
            database_operations=[],
        ),
    ]
