"""Let Wagtail's default editorial groups run the flash ticker and campaign banners.

Moderators (who publish pages) publish flash items and banners; Editors draft flash items. The
newsroom roles of SPIP (rédacteur, administrateur restreint...) come with the workflow work.
"""

from django.db import migrations

GRANTS = {
    "Moderators": {
        "flashitem": ["add", "change", "delete", "publish", "lock"],
        "campaignbanner": ["add", "change", "delete", "publish", "lock"],
    },
    "Editors": {"flashitem": ["add", "change"]},
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            content_type, _ = ContentType.objects.get_or_create(app_label="flash", model=model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type, codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )  # fmt: skip
                group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="flash"))


class Migration(migrations.Migration):
    dependencies = [
        ("flash", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
