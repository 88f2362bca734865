"""The « Messages » group (contact inbox) also exports the newsletter subscribers for the mailer."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="Messages")
    content_type, _ = ContentType.objects.get_or_create(app_label="newsletter", model="subscriber")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_subscriber", defaults={"name": "Can view abonné"}
    )
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial"), ("contact", "0002_messages_group")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
