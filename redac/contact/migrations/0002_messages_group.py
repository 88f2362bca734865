"""The « Messages » group: the only non-superusers who can read, handle, export and erase contact
messages (political-opinion data). Its members also get admin access, nothing else."""

from django.db import migrations

PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("contact", "contactmessage", "view_contactmessage"),
    ("contact", "contactmessage", "change_contactmessage"),
    ("contact", "contactmessage", "delete_contactmessage"),
]


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="Messages")
    for app_label, model, codename in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename}
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Messages").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
