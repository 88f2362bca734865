"""The newsroom's roles (Rédacteur, Administrateur restreint, Administrateur, Webmestre) and the
« Publication » workflow, as data. See redac/newsroom/roles.py for what each role may do."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from redac.newsroom.roles import apply_roles, apply_workflow

    groups = apply_roles(apps.get_model)
    apply_workflow(apps.get_model, groups)


def remove_roles(apps, schema_editor):
    from redac.newsroom.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("flash", "0002_editorial_permissions"),
        ("news", "0002_breve_flash"),
        ("core", "0002_worker_lease"),
        ("wagtailcore", "0098_apitoken"),
        # After Wagtail's own permission data migrations (choose_image/choose_document copies).
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
