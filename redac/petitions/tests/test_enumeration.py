"""No enumeration: whether an address had signed (confirmed, pending, over its bound) or not,
the reader sees one answer."""

import pytest

from redac.petitions import services
from redac.petitions.models import Signature

from .conftest import confirmation_path

pytestmark = pytest.mark.django_db


def test_the_answer_is_the_same_for_known_pending_and_new_addresses(sign, client):
    sign(email="connue@example.net", ip="198.51.100.1")
    client.post(confirmation_path())
    sign(email="attente@example.net", ip="198.51.100.2")
    answers = [sign(email=email, ip=f"198.51.100.{n}")
               for n, email in enumerate(["connue@example.net", "attente@example.net",
                                          "inconnue@example.net"], start=10)]  # fmt: skip
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1
    pages = {client.get(a["Location"]).content.decode() for a in answers}
    assert len(pages) == 1 and "Si cette signature est nouvelle" in pages.pop()


def test_an_address_over_its_bound_is_dropped_with_the_same_answer(sign, petition, monkeypatch):
    monkeypatch.setattr(services, "ADDRESS_LIMIT", (1, 3600))
    type(petition).objects.filter(pk=petition.pk).update(one_per_email=False)
    first = sign(email="insiste@example.net", ip="198.51.100.1")
    second = sign(email="insiste@example.net", ip="198.51.100.2")
    assert first["Location"] == second["Location"]
    assert Signature.objects.filter(email="insiste@example.net").count() == 1


def test_a_domain_over_its_bound_is_refused_without_naming_anyone(sign, monkeypatch):
    monkeypatch.setattr(services, "DOMAIN_LIMIT", (2, 3600))
    for n in range(2):
        assert sign(email=f"bot{n}@spam.example", ip=f"198.51.100.{n + 1}").status_code == 302
    refused = sign(email="bot9@spam.example", ip="198.51.100.9")
    assert refused.status_code == 429
    assert "domaine" in refused.content.decode()
    assert sign(email="humain@example.net", ip="198.51.100.10").status_code == 302
    assert Signature.objects.filter(email_domain="spam.example").count() == 2


def test_the_honeypot_and_a_replayed_stamp_store_nothing(sign, client, petition, form_stamp):
    assert sign(email="robot@example.net", site_web="http://spam.example").status_code == 302
    assert not Signature.objects.filter(email="robot@example.net").exists()
    data = {"name": "Rejoue", "email": "rejoue@example.net", "consent": "on",
            "horodatage": form_stamp}  # fmt: skip
    url = f"/petitions/{petition.page_id}/signer/"
    assert client.post(url, data, REMOTE_ADDR="198.51.100.30").status_code == 302
    data["email"] = "rejoue2@example.net"
    assert client.post(url, data, REMOTE_ADDR="198.51.100.31").status_code == 400
    assert not Signature.objects.filter(email="rejoue2@example.net").exists()


def test_the_rate_limit_per_client_is_shared_through_the_cache(sign, monkeypatch):
    from redac.core.lib.antispam import RateLimit
    from redac.petitions.forms import SignForm

    monkeypatch.setattr(SignForm, "rate_limit", RateLimit("petition", limit=2, window=600))
    assert sign(email="r1@example.net", ip="198.51.100.50").status_code == 302
    assert sign(email="r2@example.net", ip="198.51.100.50").status_code == 302
    assert sign(email="r3@example.net", ip="198.51.100.50").status_code == 429
