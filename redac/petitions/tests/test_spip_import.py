"""SPIP's petitions and signatures: confirmed signatures are imported, unconfirmed and trashed
ones reported; a re-run adds nothing twice."""

import datetime as dt

import pytest
from django.utils import timezone

from redac.news.models import ArticlePage
from redac.petitions.models import Petition, Signature
from redac.petitions.spip import import_spip_petitions

pytestmark = pytest.mark.django_db


def rows():
    when = timezone.now() - dt.timedelta(days=400)
    petitions = [{"id_petition": 3, "id_article": 12, "email_unique": "oui", "site_obli": "non",
                  "site_unique": "non", "message": "oui", "texte": "Nous demandons…"}]  # fmt: skip
    signatures = [
        {"id_signature": 1, "id_petition": 3, "date_time": when, "nom_email": "Ana",
         "ad_email": "ana@example.net", "nom_site": "", "url_site": "", "message": "Oui !",
         "statut": "publie"},
        {"id_signature": 2, "id_petition": 3, "date_time": when, "nom_email": "Ana bis",
         "ad_email": "ANA@example.net", "url_site": "", "message": "", "statut": "publie"},
        {"id_signature": 3, "id_petition": 3, "date_time": when, "nom_email": "Bob",
         "ad_email": "bob@example.net", "statut": "b8f3c2a1"},  # SPIP's pending key
        {"id_signature": 4, "id_petition": 3, "date_time": when, "nom_email": "Spam",
         "ad_email": "spam@example.net", "statut": "poubelle"},
    ]  # fmt: skip
    return petitions, signatures


def test_confirmed_signatures_become_confirmed_and_the_rest_is_reported(demo):
    article = ArticlePage.objects.get(slug="loyers-encadrement")
    report = import_spip_petitions(*rows(), {12: article})
    assert report == {"petitions": 1, "signatures": 1, "unconfirmed": 1, "trashed": 1,
                      "without_article": 0, "duplicates": 1}  # fmt: skip
    petition = Petition.objects.get(page=article)
    assert petition.import_ref == "spip:petition:3" and petition.message_allowed
    assert not petition.list_public  # SPIP has no such option: the editor decides
    signature = Signature.objects.get(petition=petition)
    assert signature.imported and signature.imported_at and signature.status == "confirmed"
    assert petition.signature_count == 1
    again = import_spip_petitions(*rows(), {12: article})
    assert again["signatures"] == 0
    assert Petition.objects.get(pk=petition.pk).signature_count == 1
