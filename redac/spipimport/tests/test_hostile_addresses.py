"""A NUL byte in an address (``%00``) never reaches the old-address lookups: PostgreSQL refuses it
in a query, which made any such 404 a 500 there. No SPIP address holds one."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", [
    "/rien-ici%00/", "/spip.php?page=article&id_article=1%00", "/article1%00.html",
    "/-rubrique%00-", "/IMG/png/carte%00.png",
])  # fmt: skip
def test_an_address_with_a_nul_byte_is_not_found_never_a_server_error(client, demo, address):
    response = client.get(address)
    assert response.status_code in (400, 404), (address, response.status_code)


def test_a_nul_byte_in_the_home_page_s_query_is_ignored(client, demo):
    """``/?article1%00`` names no old address: the home page, as for any unknown parameter."""
    assert client.get("/?article1%00").status_code == 200
