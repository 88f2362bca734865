"""Issue 15, item 5 (privilege escalation), on existing installs: take back from the restricted
administrators the grants that reached beyond their sections (changing any author, any image,
any document), and give the roles what the role table of docs/editors.md says (the réserve
électorale to the Administrateur, the contact and legal pages to the Webmestre)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from redac.newsroom.roles import apply_roles, revoke_withdrawn_grants

    revoke_withdrawn_grants(apps.get_model)
    apply_roles(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_roles"),
        ("reserve", "0001_initial"),
        ("core", "0002_worker_lease"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
