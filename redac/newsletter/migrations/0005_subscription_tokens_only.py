"""The confirmation tokens now live on each subscription (0004 moved them there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0004_default_list")]

    operations = [
        migrations.RemoveField(
            model_name='subscriber',
            name='confirm_sent_at',
        ),
        migrations.RemoveField(
            model_name='subscriber',
            name='confirm_token_hash',
        ),
    ]
