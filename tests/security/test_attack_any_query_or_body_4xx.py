"""Issue 15 (low): a search with ``au=9999-12-31`` was a 500, and the visit beacon with a 2 KB body
of nested ``[`` was a 500 without the security headers. Whatever the query string or body, a
public URL answers 4xx at most, with the security headers: dates and numbers of every GET
parameter are bounded where they are parsed, JSON bodies are read within bounds (depth, size,
types), and a last-resort WSGI handler gives any error that escapes the headers of every answer.

Generated query strings are thrown at every public URL and generated bodies at every POST
endpoint, through the whole WSGI application (the beacon's fast path and the page cache
included) on the site's URLs plus one view that fails (``crash_urls``)."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Permissions-Policy")

# --- calling the whole WSGI application ------------------------------------------------------------


@pytest.fixture
def wsgi_app(settings):
    """redac's WSGI stack (beacon fast path, page cache, Django) on the site's URLs plus a view
    that fails; Django's own test client would skip the first two."""
    from django.core import signals
    from django.db import close_old_connections

    from redac.delivery.wsgi import CachedApp
    from redac.visits.fastpath import BeaconFastPath
    from redac.wsgi import django_application, last_resort

    settings.ROOT_URLCONF = "tests.security.crash_urls"
    settings.DEBUG = False
    # as Django's test client does: a request must not close the test's own connection
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield last_resort(BeaconFastPath(CachedApp(django_application)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(app, method: str, path: str, query: str = "", body: bytes = b"",
         content_type: str = "application/x-www-form-urlencoded") -> tuple[int, dict, bytes]:  # fmt: skip
    # a WSGI server hands the raw bytes over as latin-1 text (PEP 3333)
    path, query = (x.encode("utf-8", "surrogatepass").decode("latin-1")
                   if not x.isascii() and max(map(ord, x)) > 255 else x for x in (path, query))  # fmt: skip
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "203.0.113.200", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type,
    }  # fmt: skip
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content


def public_urls(demo_objects) -> list[str]:
    from redac.comments.models import Comment  # noqa: F401 (the app is installed)
    from redac.news.models import ArticlePage, Author, Keyword, SectionPage

    article = ArticlePage.objects.live().first()
    breve = next(iter(demo_objects["breves"].values()))
    section = SectionPage.objects.live().first()
    author, keyword = Author.objects.first(), Keyword.objects.first()
    return [
        "/", article.url, breve.url, section.url, "/recherche/", "/feeds/rss/", "/feeds/atom/",
        f"/feeds/rubriques/{section.slug}/rss/", f"/feeds/mots/{keyword.slug}/atom/",
        f"/feeds/auteurs/{author.slug}/rss/", author.get_absolute_url(),
        keyword.get_absolute_url(), "/sitemap.xml", "/sitemap-news.xml",
        f"/sitemap-{section.slug}.xml", "/robots.txt", "/spip.php",
        f"/commentaires/{article.pk}/", "/api/comments/token/", "/lettre/", "/contact/",
        f"/api/visits/{article.pk}/", f"/api/visits/{article.pk}/pixel.gif",
        "/spip.php?page=backend", "/article1.html", "/documents/1/x.pdf",
    ]  # fmt: skip


def assert_answered(status: int, headers: dict, what: str) -> None:
    assert status < 500, f"{what}: {status}"
    for name in SECURITY_HEADERS:
        assert name in headers, f"{what}: no {name}"


# --- what is thrown at them ----------------------------------------------------------------------

NAMES = ["q", "page", "du", "au", "rubrique", "type", "reponse", "envoye", "id_rubrique", "id_mot",
         "id_article", "id_breve", "debut_articles", "lang", "var_mode", "p", "format", "x"]  # fmt: skip
HOSTILE_VALUES = [
    "9999-12-31", "0001-01-01", "0000-00-00", "2024-02-30", "-1", "0", "1e309", "nan", "inf",
    "9" * 40, "-" + "9" * 40, "99999999999999999999", "1.5", "", " ", "\x00", "%00", "%ff",
    "%zz", "é", "\ud800", "🙂" * 50, "[]", "{}", "<script>", "' OR 1=1 --", "a" * 3000,
    "../../etc/passwd", "2024-13-01", "1/0", "+33", "0x10", "１２", "²", "١٢", "⑦", "𝟗",
]  # fmt: skip
values = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=30), st.integers().map(str))
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=8)), values),
                 max_size=6)  # fmt: skip


def encode(pairs_, raw: bool) -> str:
    if raw:  # as a client may send it, percent-encoding errors and all
        return (
            "&".join(f"{n}={v}" for n, v in pairs_)
            .encode("utf-8", "surrogatepass")
            .decode("latin-1")
        )
    return "&".join(f"{quote(n.encode('utf-8', 'surrogatepass'))}="
                    f"{quote(v.encode('utf-8', 'surrogatepass'))}" for n, v in pairs_)  # fmt: skip


@pytest.mark.parametrize("query", ["au=9999-12-31&q=eau", "du=9999-12-31&q=eau",
                                   "du=0001-01-01&au=0001-01-01&q=eau", "q=eau&page=" + "9" * 40,
                                   "q=eau&rubrique=" + "9" * 40])  # fmt: skip
def test_attack_any_query_or_body_4xx_search_dates_and_numbers_at_the_edges(wsgi_app, demo, query):
    status, headers, body = call(wsgi_app, "GET", "/recherche/", query)
    assert_answered(status, headers, query)


@pytest.mark.parametrize("url, query", [
    ("/commentaires/{article}/", "reponse=²"), ("/commentaires/{article}/", "reponse=" + "9" * 30),
    ("/spip.php", "page=backend&id_rubrique=²"), ("/spip.php", "page=backend&id_rubrique=" + "9" * 30),
    ("/recherche/", "q=eau&page=²"), ("/recherche/", "q=eau&page=١٢"),
])  # fmt: skip
def test_attack_any_query_or_body_4xx_digits_that_are_not_ascii(wsgi_app, demo, url, query):
    """``str.isdigit()`` says yes to « ² » and « ١٢ »; ``int()`` then refuses the first."""
    from redac.news.models import ArticlePage

    url = url.format(article=ArticlePage.objects.live().first().pk)
    status, headers, _body = call(wsgi_app, "GET", url, query)
    assert_answered(status, headers, f"{url}?{query}")


def test_attack_any_query_or_body_4xx_beacon_page_ids_that_are_not_ascii(wsgi_app, demo):
    for page in ('"²"', '"١٢"', '"' + "9" * 18 + '"', str(2**70)):
        body = b'{"page": ' + page.encode() + b"}"
        status, headers, _content = call(wsgi_app, "POST", "/api/visits/", body=body,
                                         content_type="application/json")  # fmt: skip
        assert status == 400, page
        assert_answered(status, headers, page)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), query=pairs, raw=st.booleans())
@pytest.mark.slow  # hypothesis over every public URL: tens of seconds
def test_attack_any_query_or_body_4xx_any_query_string_on_any_public_url(wsgi_app, demo, data,
                                                                          query, raw):  # fmt: skip
    url = data.draw(st.sampled_from(public_urls(demo)))
    status, headers, _body = call(wsgi_app, "GET", url, encode(query, raw))
    assert_answered(status, headers, f"{url}?{encode(query, raw)}")


@pytest.mark.parametrize("path", ["/api/visits/{big}/", "/api/visits/{big}/pixel.gif",
                                  "/commentaires/{big}/", "/documents/{big}/x.pdf",
                                  "/_util/authenticate_with_password/{big}/{big}/"])  # fmt: skip
def test_attack_any_query_or_body_4xx_huge_ids_in_paths(wsgi_app, demo, path):
    for big in ("9" * 19, "9" * 40, str(2**63), str(2**64)):
        status, headers, _body = call(wsgi_app, "GET", path.format(big=big))
        assert_answered(status, headers, path.format(big=big))


# --- bodies -------------------------------------------------------------------------------------------

json_bodies = st.one_of(
    st.integers(1, 2000).map(lambda n: b"[" * n),
    st.integers(1, 600).map(lambda n: b'{"page": ' + b"[" * n + b"1" + b"]" * n + b"}"),
    st.integers(1, 400).map(lambda n: b'{"page": 1, "referrer": ' + b'{"a":' * n + b"1" + b"}" * n
                            + b"}"),
    st.sampled_from([b'{"page": 1e999999}', b'{"page": ' + b"9" * 1500 + b"}", b'{"page": -0}',
                     b'{"page": NaN}', b'{"page": Infinity}', b'{"page": "\\ud800"}',
                     b'{"page": 1, "referrer": 5}', b'{"page": {}}', b"\xff\xfe\x00", b"",
                     b'{"page": 1, "referrer": "' + b"a" * 1500 + b'"}', b"null", b'"x"',
                     b'{"page": true}', b'{"page": 1.0}', b'{"page": "1"}']),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                 lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4),
                                                                           kids, max_size=3),
                 max_leaves=20).map(lambda v: json.dumps({"page": v}).encode()),
    st.binary(max_size=300),
)  # fmt: skip


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_attack_any_query_or_body_4xx_any_body_on_the_visit_beacon(wsgi_app, demo, body,
                                                                  content_type):  # fmt: skip
    status, headers, _content = call(wsgi_app, "POST", "/api/visits/", body=body,
                                     content_type=content_type)  # fmt: skip
    assert_answered(status, headers, repr(body[:80]))


def test_attack_any_query_or_body_4xx_nested_brackets_on_the_beacon(wsgi_app, demo):
    status, headers, body = call(wsgi_app, "POST", "/api/visits/", body=b"[" * 2000,
                                 content_type="application/json")  # fmt: skip
    assert status == 400
    assert_answered(status, headers, "2 KB of [")


form_bodies = st.lists(
    st.tuples(st.sampled_from(["author_name", "body", "parent", "horodatage", "site_web",
                               "author_email", "email", "consent", "name", "message", "subject",
                               "csrfmiddlewaretoken", "x"]), values),
    max_size=8,
).map(lambda p: encode(p, raw=False).encode())  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), body=st.one_of(form_bodies, json_bodies),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json",
                                     "multipart/form-data; boundary=x", "text/plain"]))  # fmt: skip
def test_attack_any_query_or_body_4xx_any_body_on_every_public_form(wsgi_app, demo, data, body,
                                                                    content_type):  # fmt: skip
    from redac.news.models import ArticlePage

    article = ArticlePage.objects.live().first()
    url = data.draw(st.sampled_from([f"/commentaires/{article.pk}/", "/lettre/", "/contact/",
                                     "/recherche/", article.url]))  # fmt: skip
    status, headers, _content = call(wsgi_app, "POST", url, body=body, content_type=content_type)
    assert_answered(status, headers, f"POST {url} {body[:80]!r}")


def test_attack_any_query_or_body_4xx_an_unexpected_error_keeps_the_security_headers(wsgi_app,
                                                                                     demo):  # fmt: skip
    status, headers, body = call(wsgi_app, "GET", "/boom/")
    assert status == 500
    for name in SECURITY_HEADERS:
        assert name in headers
    assert b"SECRET_KEY" not in body and b"Traceback" not in body


def test_attack_any_query_or_body_4xx_an_error_escaping_every_layer_keeps_the_headers(demo):
    """The last-resort handler: whatever raises below it (here the beacon's fast path itself),
    the client gets a bare 500 with the security headers, never the server's own page."""
    from redac.wsgi import last_resort

    def broken(environ, start_response):
        raise RecursionError("maximum recursion depth exceeded")

    status, headers, body = call(last_resort(broken), "POST", "/api/visits/", body=b"[]")
    assert status == 500
    for name in SECURITY_HEADERS:
        assert name in headers
    assert b"recursion" not in body.lower()
