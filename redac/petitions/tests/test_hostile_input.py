"""Whatever a client sends to the petitions' public URLs, the answer is 4xx at most (issue 15's
rule for every public URL), with the security headers."""

import pytest

from redac.petitions.fastpath import PetitionCounterFastPath

from .test_closing_and_counter import call, django_app

pytestmark = pytest.mark.django_db

HOSTILE = ["9" * 40, "99999999999", "-1", "0", "²", "١٢", "\x00", "%00", "a" * 3000, "' OR 1=1 --"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_queries_and_forms_are_4xx_at_most(client, petition, value):
    pid = petition.page_id
    # (a NUL in the path itself is spipimport's LegacyURLMiddleware's 500 on PostgreSQL, for
    # any 404 address: not the petitions')
    token = "".join(c for c in value if c.isascii() and (c.isalnum() or c in "-_"))[:200] or "x"
    for url in (f"/petitions/{pid}/signer/", f"/petitions/{pid}/signatures/",
                f"/api/petitions/{pid}/", f"/petitions/confirmer/{token}/"):  # fmt: skip
        assert client.get(url, {"page": value, "envoye": value}).status_code < 500, url
    form = {"name": value, "email": value, "city": value, "postcode": value, "website": value,
            "message": value, "consent": value, "horodatage": value, "site_web": ""}  # fmt: skip
    assert client.post(f"/petitions/{pid}/signer/", form).status_code < 500
    assert client.post(f"/petitions/confirmer/{token}/").status_code < 500


@pytest.mark.parametrize("page_id", ["99999999999", "999999999999", "1" * 40, "0"])
def test_huge_page_ids_are_404(client, page_id):
    assert client.get(f"/api/petitions/{page_id}/").status_code == 404
    assert client.get(f"/petitions/{page_id}/signer/").status_code == 404
    answer = call(PetitionCounterFastPath(django_app), f"/api/petitions/{page_id}/")
    assert answer["status"] in ("404 Not Found", "299 Django")
