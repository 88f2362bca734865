"""Unconfirmed signatures go after a week, confirmed ones a retention period after the petition
closes (imported ones after their import); a signer's data is exported and erased by address."""

import datetime as dt

import pytest
from django.utils import timezone

from redac.core import personal_data
from redac.petitions import services
from redac.petitions.models import Petition, Signature

pytestmark = pytest.mark.django_db


def signature(petition, email, **fields):
    defaults = {"name": "Nom", "email": email, "email_domain": email.split("@")[1]}
    return Signature.objects.create(petition=petition, **(defaults | fields))


def test_unconfirmed_signatures_are_purged_after_a_week(petition):
    now = timezone.now()
    old = signature(petition, "vieille@example.net", created_at=now - dt.timedelta(days=8))
    new = signature(petition, "recente@example.net", created_at=now - dt.timedelta(days=6))
    assert services.purge(now)["unconfirmed"] == 1
    assert not Signature.objects.filter(pk=old.pk).exists()
    assert Signature.objects.filter(pk=new.pk).exists()


def test_confirmed_signatures_are_kept_until_the_retention_after_the_closing(petition, settings):
    settings.REDAC_PETITION_RETENTION_DAYS = 30
    now = timezone.now()
    confirmed = Signature.Status.CONFIRMED
    total = Petition.objects.get(pk=petition.pk).signature_count
    Petition.objects.filter(pk=petition.pk).update(closes_at=now - dt.timedelta(days=29))
    assert services.purge(now)["expired"] == 0
    Petition.objects.filter(pk=petition.pk).update(closes_at=now - dt.timedelta(days=31))
    imported = signature(petition, "spip@example.net", status=confirmed, imported=True,
                         imported_at=now - dt.timedelta(days=2))  # fmt: skip
    assert services.purge(now)["expired"] == total
    assert list(Signature.objects.filter(petition=petition)) == [imported]
    # the result of the petition stays: a number, nobody's data
    assert Petition.objects.get(pk=petition.pk).signature_count == total
    Signature.objects.filter(pk=imported.pk).update(imported_at=now - dt.timedelta(days=31))
    assert services.purge(now)["expired"] == 1


def test_a_petition_without_closing_date_keeps_its_confirmed_signatures(petition, settings):
    settings.REDAC_PETITION_RETENTION_DAYS = 1
    Petition.objects.filter(pk=petition.pk).update(closes_at=None)
    assert services.purge(timezone.now() + dt.timedelta(days=3650))["expired"] == 0


def test_a_signer_is_exported_and_erased_by_address_and_the_count_follows(petition):
    signature(petition, "moi@example.net", status=Signature.Status.CONFIRMED, city="Laon",
              consent_text="J'accepte…")  # fmt: skip
    Petition.objects.filter(pk=petition.pk).update(signature_count=petition.signature_count + 1)
    found = personal_data.export("Moi@Example.net")["Signatures de pétitions"]
    assert found[0]["ville"] == "Laon" and found[0]["consentement"] == "J'accepte…"
    assert personal_data.erase("moi@example.net")["Signatures de pétitions"] == 1
    assert not Signature.objects.filter(email="moi@example.net").exists()
    assert Petition.objects.get(pk=petition.pk).signature_count == petition.signature_count
