"""SPIP's petition options: one signature per address (on by default), website required, one
per website, messages allowed; consent is explicit."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from redac.core.models import OutgoingMail
from redac.petitions.models import Petition, Signature

pytestmark = pytest.mark.django_db


def mails_to(address):
    return OutgoingMail.objects.filter(to=address, kind="petition").count()


def test_one_signature_per_address_is_the_default(sign, petition):
    assert Petition._meta.get_field("one_per_email").default is True
    assert sign(email="deux@example.net", ip="203.0.113.1").status_code == 302
    assert sign(email="Deux@Example.net", ip="203.0.113.2").status_code == 302
    assert Signature.objects.filter(email="deux@example.net").count() == 1
    assert mails_to("deux@example.net") == 1  # no second mail within the day


def test_an_unconfirmed_signature_is_mailed_again_at_most_once_a_day(sign, petition):
    sign(email="oubli@example.net", ip="203.0.113.1")
    signature = Signature.objects.get(email="oubli@example.net")
    Signature.objects.filter(pk=signature.pk).update(
        last_mail_at=timezone.now() - dt.timedelta(hours=25))  # fmt: skip
    sign(email="oubli@example.net", ip="203.0.113.2")
    sign(email="oubli@example.net", ip="203.0.113.3")
    assert mails_to("oubli@example.net") == 2
    assert Signature.objects.filter(email="oubli@example.net").count() == 1


def test_without_the_option_an_address_may_sign_twice(sign, petition):
    Petition.objects.filter(pk=petition.pk).update(one_per_email=False)
    sign(email="famille@example.net", ip="203.0.113.1", name="Anne Famille")
    sign(email="famille@example.net", ip="203.0.113.2", name="Paul Famille")
    assert Signature.objects.filter(email="famille@example.net").count() == 2


def test_a_required_website_is_asked_for(sign, petition):
    Petition.objects.filter(pk=petition.pk).update(website_required=True)
    response = sign(email="sanssite@example.net")
    assert response.status_code == 400
    assert not Signature.objects.filter(email="sanssite@example.net").exists()
    assert (
        sign(email="avecsite@example.net", website="https://asso.example.org/").status_code == 302
    )
    assert (
        Signature.objects.get(email="avecsite@example.net").website == "https://asso.example.org/"
    )


def test_one_signature_per_website_whatever_its_spelling(sign, petition):
    Petition.objects.filter(pk=petition.pk).update(one_per_website=True)
    sign(email="a@example.net", ip="203.0.113.1", website="https://www.Asso.example.org/")
    second = sign(email="b@example.net", ip="203.0.113.2", website="http://asso.example.org")
    assert second.status_code == 302  # the same answer: nobody learns the site had signed
    assert not Signature.objects.filter(email="b@example.net").exists()
    assert mails_to("b@example.net") == 0


def test_messages_are_kept_only_where_the_petition_allows_them(sign, petition):
    Petition.objects.filter(pk=petition.pk).update(message_allowed=False)
    sign(email="muet@example.net", message="Bravo !")
    assert Signature.objects.get(email="muet@example.net").message == ""
    Petition.objects.filter(pk=petition.pk).update(message_allowed=True)
    sign(email="bavard@example.net", ip="203.0.113.9", message="Bravo !")
    assert Signature.objects.get(email="bavard@example.net").message == "Bravo !"


def test_consent_is_explicit_and_states_purpose_and_retention(sign, petition, client):
    page = client.get(f"/petitions/{petition.page_id}/signer/").content.decode()
    assert "jamais publiée" in page and "jours après la clôture" in page
    response = sign(email="pressé@example.net".replace("é", "e"), consent=None)
    assert response.status_code == 400
    assert not Signature.objects.filter(email="presse@example.net").exists()


def test_the_signing_page_is_never_cached(client, petition):
    response = client.get(f"/petitions/{petition.page_id}/signer/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "X-Redac-Cache" not in response


def test_a_name_with_a_line_break_never_reaches_a_mail(sign, petition):
    assert sign(email="inj@example.net", name="Bob\r\nBcc: x@example.org").status_code == 400
    assert not mail.outbox
