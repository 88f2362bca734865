"""Who sees what in the petitions' admin (least privilege: signing reveals a political opinion,
GDPR art. 9): the administrateur runs petitions and moderates, only the webmestre sees the
signers' addresses, exports them (each export in the audit log) and erases a signer."""

import csv
import io

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from redac.petitions.models import Petition, Signature
from tests.support.personas import login

pytestmark = pytest.mark.django_db

PERSONAS = ["redacteur", "restricted", "administrateur", "webmestre", "outsider"]


def code(client, url, method="get", **data):
    return getattr(client, method)(url, data).status_code


@pytest.fixture
def signer(petition):
    """A confirmed signer whose name and message are spreadsheet formulas."""
    signature = Signature.objects.create(
        petition=petition, name="=HYPERLINK(\"http://x\")", email="formule@example.net",
        email_domain="example.net", city="Amiens", message="+cmd|' /C calc'!A0",
        status=Signature.Status.CONFIRMED, email_key="formule@example.net",
        confirmed_at=timezone.now(),
    )  # fmt: skip
    Petition.objects.filter(pk=petition.pk).update(signature_count=petition.signature_count + 1)
    return signature


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_opens_exactly_its_screens(client, personas, petition, persona):
    login(client, personas[persona])
    pk = petition.pk
    urls = {
        "index": "/admin/petitions/", "detail": f"/admin/petitions/{pk}/",
        "signatures": f"/admin/petitions/{pk}/signatures/",
        "export": f"/admin/petitions/{pk}/export.csv",
        "edit": f"/admin/snippets/petitions/petition/edit/{pk}/",
    }  # fmt: skip
    expected = {
        "administrateur": {"index", "detail", "signatures", "edit"},
        "webmestre": {"index", "detail", "signatures", "export"},
    }.get(persona, set())
    for name, url in urls.items():
        status = code(client, url)
        if name in expected:
            assert status == 200, f"{persona} should open {name}: {status}"
        else:
            assert status in (302, 403, 404), f"{persona} must not open {name}: {status}"


def test_only_the_webmestre_sees_the_addresses(client, personas, petition, signer):
    url = f"/admin/petitions/{petition.pk}/signatures/"
    login(client, personas["administrateur"])
    page = client.get(url).content.decode()
    assert "Amiens" in page and "formule@example.net" not in page
    assert "formule@example" not in client.get(url, {"q": "formule@"}).content.decode()
    login(client, personas["webmestre"])
    assert "formule@example.net" in client.get(url).content.decode()


def test_the_export_is_formula_safe_and_written_to_the_audit_log(client, personas,
                                                                 petition, signer):  # fmt: skip
    webmestre = personas["webmestre"]
    login(client, webmestre)
    response = client.get(f"/admin/petitions/{petition.pk}/export.csv")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    mine = next(row for row in rows if row[3] == "formule@example.net")
    assert mine[2].startswith("'=") and mine[7].startswith("'+")
    assert len(rows) == 1 + petition.signatures.confirmed().count()
    entry = ModelLogEntry.objects.get(action="petitions.export")
    assert entry.user_id == webmestre.pk and entry.object_id == str(petition.pk)
    assert entry.data["signatures"] == len(rows) - 1


def test_the_webmestre_erases_a_signer_and_the_count_follows(client, personas, petition,
                                                             signer):  # fmt: skip
    before = Petition.objects.get(pk=petition.pk).signature_count
    url = f"/admin/petitions/{petition.pk}/actions/"
    login(client, personas["administrateur"])
    assert client.post(url, {"action": "effacer", "ids": [signer.pk]}).status_code in (302, 403)
    assert Signature.objects.filter(pk=signer.pk).exists()
    login(client, personas["webmestre"])
    assert client.post(url, {"action": "effacer", "ids": [signer.pk]}).status_code == 302
    assert not Signature.objects.filter(pk=signer.pk).exists()
    assert Petition.objects.get(pk=petition.pk).signature_count == before - 1
    assert ModelLogEntry.objects.filter(action="petitions.erase").exists()


def test_the_administrateur_removes_a_signature_and_hides_a_message(client, personas,
                                                                    petition, signer):  # fmt: skip
    Petition.objects.filter(pk=petition.pk).update(list_public=True)
    before = Petition.objects.get(pk=petition.pk).signature_count
    url = f"/admin/petitions/{petition.pk}/actions/"
    login(client, personas["administrateur"])
    client.post(url, {"action": "masquer", "ids": [signer.pk]})
    listing = client.get(f"/petitions/{petition.page_id}/signatures/").content.decode()
    assert "calc" not in listing
    client.post(url, {"action": "retirer", "ids": [signer.pk]})
    assert Signature.objects.get(pk=signer.pk).status == Signature.Status.REMOVED
    assert Petition.objects.get(pk=petition.pk).signature_count == before - 1
    client.post(url, {"action": "retablir", "ids": [signer.pk], "etat": "retirees"})
    assert Petition.objects.get(pk=petition.pk).signature_count == before


def test_the_public_list_shows_names_and_cities_never_addresses(client, petition, signer):
    Petition.objects.filter(pk=petition.pk).update(list_public=False)
    assert client.get(f"/petitions/{petition.page_id}/signatures/").status_code == 404
    Petition.objects.filter(pk=petition.pk).update(list_public=True)
    html = client.get(f"/petitions/{petition.page_id}/signatures/").content.decode()
    assert "HYPERLINK" in html and "Amiens" in html  # escaped text, as comments are
    assert "@example" not in html
    assert '<a href="http://x"' not in html
    assert (
        client.get(f"/petitions/{petition.page_id}/signatures/", {"page": "2"}).status_code == 200
    )


def test_an_administrateur_opens_a_petition_on_an_article_as_the_guide_says(client,
                                                                           personas):  # fmt: skip
    from redac.news.models import ArticlePage

    article = ArticlePage.objects.get(slug="loyers-encadrement")
    login(client, personas["administrateur"])
    response = client.post("/admin/snippets/petitions/petition/add/", {
        "page": article.pk, "text": "Nous demandons l'encadrement partout.", "goal": "500",
        "opens_at": "", "closes_at": "2099-01-01 12:00", "one_per_email": "on",
        "list_public": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    petition = Petition.objects.get(page=article)
    assert petition.goal == 500 and petition.one_per_email and not petition.message_allowed
    html = client.get(article.url).content.decode()
    assert "Nous demandons l&#x27;encadrement partout." in html or "encadrement partout" in html
    assert f"/petitions/{article.pk}/signer/" in html
    login(client, personas["webmestre"])
    assert client.get("/admin/snippets/petitions/petition/add/").status_code in (302, 403)
