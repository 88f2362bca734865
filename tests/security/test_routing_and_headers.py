"""Security cases 28-30, 32, 34: routing, error pages, methods and response headers, through the
Django test client (a real ``redac serve`` run is in test_live_server.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.images import get_image_model

from . import samples

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/media/../../etc/passwd",
        "/media/images/../../secret_key",
        "/media/images/%2e%2e/%2e%2e/secret_key",
        "/media/images/..%2f..%2fsecret_key",
        "/media/images/....//....//secret_key",
        "/static/%2e%2e/%2e%2e/settings.py",
        "/static/../redac.sqlite3",
        "/documents/1/..%2f..%2f",
        "/documents/1/..%2f..%2fsecret_key",
        "/media/%2e%2e/secret_key",
    ],
)
def test_case_28_path_traversal_gets_404(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"secret" not in response.content.lower().replace(b"secret_key", b"")


@pytest.mark.parametrize(
    "url",
    [
        "/.git/config", "/.git/HEAD", "/.env", "/db.sqlite3", "/redac.sqlite3", "/data/redac.sqlite3",
        "/secret_key", "/media/secret_key", "/backup.sql", "/settings.py", "/redac/settings.py",
        "/media/documents/", "/media/", "/wp-admin/", "/phpinfo.php", "/.DS_Store",
    ],
)  # fmt: skip
def test_case_29_secret_files_get_404(client, demo, url):
    # Names that could be page slugs first get the trailing slash redirect, then the 404.
    assert client.get(url, follow=True).status_code == 404


def test_case_29_original_images_and_stored_documents_are_not_public(client, demo, personas):
    image = get_image_model().objects.create(
        title="photo", file=SimpleUploadedFile("photo.jpg", samples.jpeg())
    )
    assert image.file.url.startswith("/media/original_images/")
    assert client.get(image.file.url).status_code == 404
    assert client.get("/media/original_images/").status_code == 404
    # Renditions are what pages embed: public.
    rendition = image.get_rendition("width-50")
    assert client.get(rendition.url).status_code == 200
    # Editors still open the original from the admin; a logged-in outsider does not.
    client.force_login(personas["outsider"])
    assert client.get(image.file.url).status_code == 404
    client.force_login(personas["editor"])
    response = client.get(image.file.url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]


@pytest.fixture
def crashing_site(settings):
    settings.ROOT_URLCONF = "tests.security.crash_urls"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_case_30_unexpected_error_shows_a_generic_page_without_trace(crashing_site, demo):
    response = crashing_site.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html
    for leak in ("Traceback", "boom", "SECRET_KEY", "RuntimeError", "settings", "DATABASE"):
        assert leak not in html


def test_case_30_unknown_url_shows_the_site_404_without_debug_information(crashing_site, demo):
    response = crashing_site.get("/nexiste/pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    for leak in ("URLconf", "urlpatterns", "Using the URLconf", "DEBUG = True", "Traceback"):
        assert leak not in html


def test_case_30_debug_is_off_unless_asked_for():
    from django.conf import settings

    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "method", ["TRACE", "PUT", "OPTIONS", "DELETE", "PATCH", "TRACK", "PROPFIND"]
)
@pytest.mark.parametrize("url", ["/", "/actualite/", "/admin/login/", "/documents/1/x.pdf"])
def test_case_32_methods_other_than_get_head_post_get_405(client, demo, method, url):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert response.content in (b"",) or b"Traceback" not in response.content


@pytest.mark.parametrize(
    "url", ["/", "/actualite/", "/introuvable/", "/admin/login/", "/auteurs/x/"]
)
def test_case_34_every_html_response_has_the_security_headers(client, demo, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors" in csp and "default-src" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert "Permissions-Policy" in response
    assert "Server" not in response  # Django adds none; the live test checks granian's


def test_case_34_cookies_are_httponly_samesite_and_secure_on_https():
    """Cookie flags follow REDAC_SITE_URL: checked on settings loaded with an https address (the
    live test sees the real Set-Cookie headers)."""
    import subprocess
    import sys

    code = (
        "import json,redac.settings as s;print(json.dumps([s.SESSION_COOKIE_SECURE,"
        "s.CSRF_COOKIE_SECURE,s.SESSION_COOKIE_HTTPONLY,s.SESSION_COOKIE_SAMESITE,"
        "s.CSRF_COOKIE_SAMESITE,s.SECURE_HSTS_SECONDS,s.SECURE_SSL_REDIRECT]))"
    )
    import json
    import os
    import tempfile

    env = dict(
        os.environ, REDAC_SITE_URL="https://journal.example", REDAC_DATA_DIR=tempfile.mkdtemp()
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    secure, csrf_secure, httponly, samesite, csrf_samesite, hsts, redirect = json.loads(out)
    assert secure and csrf_secure and httponly and redirect
    assert samesite == csrf_samesite == "Lax"
    assert hsts >= 31_536_000
