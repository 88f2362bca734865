"""A signature counts only once confirmed through the mailed link; the link page takes a POST."""

import pytest
from django.core import mail

from redac.petitions.models import Signature

from .conftest import confirmation_path

pytestmark = pytest.mark.django_db


def test_a_signature_waits_for_its_confirmation_before_it_counts(sign, petition, client):
    before = petition.signature_count
    response = sign()
    assert response.status_code == 302 and response["Location"].endswith("?envoye=1")
    signature = Signature.objects.get(email="lecteur@example.net")
    assert signature.status == Signature.Status.TO_CONFIRM
    assert signature.consent_text and signature.consented_at
    petition.refresh_from_db()
    assert petition.signature_count == before
    path = confirmation_path()
    assert mail.outbox[-1].to == ["lecteur@example.net"]
    assert client.get(path).status_code == 200  # a link scanner opening it confirms nothing
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.TO_CONFIRM
    assert client.post(path).status_code == 200
    signature.refresh_from_db()
    petition.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED and signature.confirmed_at
    assert petition.signature_count == before + 1


def test_the_confirmation_link_works_once_and_only_a_hash_is_stored(sign, petition, client):
    sign()
    path = confirmation_path()
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert Signature.objects.get(email="lecteur@example.net").token_hash not in ("", token)
    client.post(path)
    assert client.post(path).status_code == 404
    petition.refresh_from_db()
    assert petition.signature_count == petition.signatures.confirmed().count()
