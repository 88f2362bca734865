"""Today's subscribers join the default list « Lettre d'information », each with the consent and
the confirmation state they gave (issue 22)."""

from django.db import migrations

DEFAULT_LIST = {"name": "Lettre d'information", "slug": "lettre-d-information"}


def forwards(apps, schema_editor):
    NewsletterList = apps.get_model("newsletter", "NewsletterList")
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Subscription = apps.get_model("newsletter", "Subscription")
    default, _ = NewsletterList.objects.get_or_create(slug=DEFAULT_LIST["slug"],
                                                      defaults={"name": DEFAULT_LIST["name"]})  # fmt: skip
    Subscription.objects.bulk_create(
        [
            Subscription(subscriber=s, list=default, status=s.status, created_at=s.created_at,
                         confirmed_at=s.confirmed_at, consent_version=s.consent_version,
                         consent_text=s.consent_text, confirm_token_hash=s.confirm_token_hash,
                         confirm_sent_at=s.confirm_sent_at)  # fmt: skip
            for s in Subscriber.objects.all().iterator()
        ],
        batch_size=1000,
    )


def backwards(apps, schema_editor):
    Subscription = apps.get_model("newsletter", "Subscription")
    for subscription in Subscription.objects.filter(list__slug=DEFAULT_LIST["slug"]):
        subscriber = subscription.subscriber
        subscriber.confirm_token_hash = subscription.confirm_token_hash
        subscriber.confirm_sent_at = subscription.confirm_sent_at
        subscriber.save(update_fields=["confirm_token_hash", "confirm_sent_at"])


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0003_lists_letters_deliveries")]
    operations = [migrations.RunPython(forwards, backwards)]
