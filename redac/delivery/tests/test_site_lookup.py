"""The chrome (redac.delivery.chrome.prime_site) finds a request's site with Wagtail's private
``Site._find_for_request`` and remembers it per worker, keyed by host and port. This test fails
if that stops agreeing with Wagtail's public ``Site.find_for_request``: for hosts with and without
a port, several sites on one host, an unknown host (the default site), each asked twice (the
second answer comes from memory) and in both orders (no two requests share a remembered site
they should not)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from wagtail.models import Site

from redac.delivery import chrome

pytestmark = pytest.mark.django_db

#: (Host header, server port)
REQUESTS = [
    ("localhost", "80"),
    ("presse.example", "80"),
    ("presse.example:8080", "8080"),
    ("presse.example", "8080"),
    ("PRESSE.example", "80"),
    ("autre.example", "443"),
    ("autre.example:8443", "8443"),
    ("inconnu.example", "80"),
    ("inconnu.example:8080", "8080"),
    ("127.0.0.1:8000", "8000"),
]


@pytest.fixture
def sites(demo):
    home = demo["home"]
    Site.objects.create(hostname="presse.example", port=80, root_page=home, site_name="Presse")
    Site.objects.create(hostname="presse.example", port=8080, root_page=home,
                        site_name="Presse 8080")  # fmt: skip
    Site.objects.create(hostname="autre.example", port=443, root_page=home, site_name="Autre")
    yield
    # Wagtail keeps the site root paths in Django's cache, which the test's rollback does not
    # reach: the next test must not see these sites.
    Site.clear_site_root_paths_cache()
    chrome.forget()


def _request(host: str, port: str):
    return RequestFactory().get("/", HTTP_HOST=host, SERVER_PORT=port)


def _pk(site):
    return site.pk if site is not None else None


@override_settings(ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_the_chromes_site_is_the_one_wagtail_finds(sites, order):
    requests = REQUESTS if order == "as listed" else REQUESTS[::-1]
    chrome.forget()
    for _round in ("computed", "remembered"):
        for host, port in requests:
            primed = _request(host, port)
            chrome.prime_site(primed)
            expected = Site.find_for_request(_request(host, port))
            assert _pk(getattr(primed, "_wagtail_site", None)) == _pk(expected), (host, port)
            if expected is not None:
                assert primed._wagtail_site.root_page.pk == expected.root_page_id
