"""Importing an existing list (CSV): only with the « these people consented » attestation, which
is kept as each subscription's proof; only the Webmestre may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redac.newsletter.importing import ConsentNotConfirmed, import_csv
from redac.newsletter.models import Subscriber, Subscription
from tests.support.personas import login

CSV = "adresse;nom\nun@example.net;Un\nDEUX@example.net;Deux\npas-une-adresse;X\n\nun@example.net;Un\n"


def _upload():
    return SimpleUploadedFile("abonnes.csv", CSV.encode(), content_type="text/csv")


def test_without_the_consent_attestation_nothing_is_imported(client, personas, weekly):
    login(client, personas["webmestre"])
    response = client.post("/admin/lettres/import/", {"list": weekly.pk, "file": _upload()})
    assert response.status_code == 400
    assert "aucune adresse n" in response.content.decode()
    assert not Subscriber.objects.exists()
    with pytest.raises(ConsentNotConfirmed):
        import_csv(CSV, weekly, consent_confirmed=False, by="x")


def test_with_the_attestation_the_addresses_join_the_list_confirmed(client, personas, weekly):
    login(client, personas["webmestre"])
    response = client.post("/admin/lettres/import/", {"list": weekly.pk, "file": _upload(),
                                                      "consent": "on"}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "2 adresse(s) ajoutée(s), 1 déjà inscrite(s), 1 refusée(s)" in page
    assert "Ligne 4" in page
    subscriptions = Subscription.objects.select_related("subscriber").order_by("subscriber__email")
    assert [s.subscriber.email for s in subscriptions] == ["deux@example.net", "un@example.net"]
    assert all(s.status == "confirmed" and s.source == "import" for s in subscriptions)
    assert (
        "webmestre" in subscriptions[0].consent_text and "attesté" in subscriptions[0].consent_text
    )


@pytest.mark.parametrize("persona", ["administrateur", "messages", "redacteur"])
def test_only_the_webmestre_imports(client, personas, weekly, persona):
    login(client, personas[persona])
    response = client.post("/admin/lettres/import/", {"list": weekly.pk, "file": _upload(),
                                                      "consent": "on"})  # fmt: skip
    assert response.status_code in (302, 403)
    assert not Subscriber.objects.exists()
