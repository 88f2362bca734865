"""Anonymous readers are answered from the page cache, with the headers Django would have sent,
validators, compression and CDN directives; everything personal goes to Django."""

import gzip

import brotli
import pytest

pytestmark = pytest.mark.django_db


def test_second_anonymous_visit_is_a_hit_with_the_same_bytes_and_headers(reader, demo):
    first = reader.get("/")
    second = reader.get("/")
    assert first.status == second.status == 200
    assert first.header("x-cache") == "MISS" and second.header("x-cache") == "HIT"
    assert first.body == second.body
    for name in (
        "content-type",
        "content-security-policy",
        "permissions-policy",
        "x-frame-options",
        "referrer-policy",
        "cache-control",
        "etag",
        "vary",
    ):
        assert first.header(name) == second.header(name), name
    assert "Accueil" in second.text or "<html" in second.text


def test_a_hit_runs_no_sql(reader, demo, django_assert_num_queries):
    breve = demo["breves"]["petition-guichets"]
    reader.get(breve.url)
    with django_assert_num_queries(0):
        hit = reader.get(breve.url)
    assert hit.header("x-cache") == "HIT"


def test_cached_pages_tell_cdns_how_long_to_keep_them(reader, demo):
    cache_control = reader.get("/").header("cache-control")
    assert "public" in cache_control
    assert "s-maxage=" in cache_control and "stale-while-revalidate=" in cache_control
    assert "max-age=0" in cache_control


def test_gzip_and_brotli_are_precompressed_variants_of_the_same_page(reader, demo):
    plain = reader.get("/").body
    gz = reader.get("/", headers={"Accept-Encoding": "gzip, deflate"})
    br = reader.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert gz.header("content-encoding") == "gzip" and gzip.decompress(gz.body) == plain
    assert br.header("content-encoding") == "br" and brotli.decompress(br.body) == plain
    assert int(gz.header("content-length")) == len(gz.body) < len(plain)
    assert "Accept-Encoding" in br.header("vary")


def test_revalidation_with_the_etag_answers_304_without_a_body(reader, demo):
    etag = reader.get("/").header("etag")
    assert etag.startswith('W/"')
    response = reader.get("/", headers={"If-None-Match": etag})
    assert response.status == 304 and response.body == b""
    assert response.header("etag") == etag and "s-maxage" in response.header("cache-control")
    assert reader.get("/", headers={"If-None-Match": 'W/"autre"'}).status == 200


def test_revalidation_with_last_modified_answers_304(reader, demo):
    last_modified = reader.get("/").header("last-modified")
    assert reader.get("/", headers={"If-Modified-Since": last_modified}).status == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert reader.get("/", headers={"If-Modified-Since": old}).status == 200


def test_head_is_answered_from_the_cache_without_a_body(reader, demo):
    get = reader.get("/")
    head = reader.head("/")
    assert head.status == 200 and head.body == b""
    assert head.header("x-cache") == "HIT"
    assert head.header("content-length") == get.header("content-length")


def test_page_numbers_are_cached_separately_and_other_parameters_bypass_the_cache(reader, demo):
    section = "/actualite/"
    reader.get(section, query="page=2")
    assert reader.get(section, query="page=2").header("x-cache") == "HIT"
    assert reader.get(section).header("x-cache") == "MISS"
    reader.get(section, query="q=gares")
    assert reader.get(section, query="q=gares").header("x-cache") is None
    # Campaign tracking parameters do not change the page: still a hit.
    assert reader.get(section, query="utm_source=mastodon").header("x-cache") == "HIT"


def test_admin_api_and_static_paths_are_never_cached(reader, demo, page_cache):
    for path in ("/admin/login/", "/api/csrf/"):
        reader.get(path)
        assert reader.get(path).header("x-cache") != "HIT", path
    assert page_cache.cached_paths() == []


def test_the_csrf_endpoint_is_private_and_sets_the_cookie(reader, demo):
    response = reader.get("/api/csrf/")
    assert response.status == 200 and '"token"' in response.text
    assert "no-store" in response.header("cache-control")
    assert "csrftoken=" in response.header("set-cookie")


def test_a_post_goes_to_django(reader, demo):
    reader.get("/")
    response = reader.request("POST", "/")
    assert response.header("x-cache") != "HIT"


def test_not_found_pages_are_cached_briefly_and_server_errors_never(reader, demo, page_cache):
    first = reader.get("/nulle-part/")
    assert first.status == 404
    second = reader.get("/nulle-part/")
    assert second.status == 404 and second.header("x-cache") == "HIT"
    entry = page_cache.get(("http://testserver", "/nulle-part/", ""))
    import time

    assert entry.expires_at - time.time() <= 30


def test_every_worker_shares_the_cache_through_the_data_directory(reader, demo, page_cache):
    from redac.delivery import conf
    from redac.delivery.store import FileStore

    reader.get("/")
    other_worker = FileStore(page_cache.root, max_bytes=page_cache.max_bytes,
                             memory_bytes=1024 * 1024, check_interval=0.05)  # fmt: skip
    entry = other_worker.get(("http://testserver", "/", ""))
    assert (
        entry is not None
        and entry.body == conf.get_store().get(("http://testserver", "/", "")).body
    )


def test_a_browser_in_another_language_gets_the_site_language_from_the_cache(
    reader, demo, page_cache
):
    # The public site speaks REDAC_LANGUAGE whatever the browser asks (settings.py), so one
    # cached copy serves every reader.
    english = reader.get("/culture/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status == 200
    assert 'lang="fr"' in english.text and "Contactez-nous" in english.text
    french = reader.get("/culture/", headers={"Accept-Language": "fr-FR"})
    assert french.header("x-cache") == "HIT"
    assert french.text == english.text
