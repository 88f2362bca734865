import pytest

pytestmark = pytest.mark.django_db


def test_public_pages_have_a_strict_csp_without_unsafe_inline(client, demo):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]
    assert "Permissions-Policy" in response


def test_admin_cannot_be_framed(client):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("method", ["trace", "put", "options", "delete", "patch"])
def test_unsupported_methods_are_refused(client, demo, method):
    response = getattr(client, method)("/")
    assert response.status_code == 405


def test_404_page_has_the_security_headers_too(client, demo):
    response = client.get("/introuvable/")
    assert response.status_code == 404
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_server_error_is_generic_and_shows_no_trace(client, settings):
    from django.test import RequestFactory

    from redac.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html and "Traceback" not in html and "SECRET" not in html
