"""Files stored before redac.core.storage.MediaStorage were all 0640: nginx running as another user
answered 403 for renditions and static files. Give them the storage's modes (issue 15)."""

from django.db import migrations


def fix_permissions(apps, schema_editor):
    from redac.core.storage import fix_permissions as fix

    fix()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_used_form_stamps")]

    operations = [migrations.RunPython(fix_permissions, migrations.RunPython.noop, elidable=True)]
