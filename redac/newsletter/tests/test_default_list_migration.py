"""Migration 0004 puts the subscribers of before the lists on « Lettre d'information », each with
their own state, consent and pending confirmation token (the link they were mailed still works)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from redac.newsletter.models import Subscription, hash_token
from redac.newsletter.services import confirm


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_todays_subscribers_join_the_default_list_with_their_consent():
    call_command("migrate", "newsletter", "0003", verbosity=0)
    try:
        apps = MigrationExecutor(connection).loader.project_state(
            ("newsletter", "0003_lists_letters_deliveries")).apps  # fmt: skip
        subscriber = apps.get_model("newsletter", "Subscriber")
        now = timezone.now()
        subscriber.objects.create(email="ancienne@example.org", status="confirmed",
                                  confirmed_at=now, consent_version="2026-11-v1",
                                  consent_text="J'accepte", unsubscribe_token="a" * 40)  # fmt: skip
        subscriber.objects.create(email="attente@example.org", status="pending",
                                  consent_version="2026-11-v1", consent_text="J'accepte",
                                  unsubscribe_token="b" * 40, confirm_sent_at=now,
                                  confirm_token_hash=hash_token("jeton-envoye"))  # fmt: skip
    finally:
        call_command("migrate", "newsletter", verbosity=0)

    rows = {
        s.subscriber.email: s for s in Subscription.objects.select_related("list", "subscriber")
    }
    assert {s.list.name for s in rows.values()} == {"Lettre d'information"}
    assert rows["ancienne@example.org"].status == "confirmed"
    assert rows["ancienne@example.org"].consent_text == "J'accepte"
    assert rows["attente@example.org"].status == "pending"
    assert confirm("jeton-envoye") is not None  # the link mailed before the upgrade still works
