"""The visitor key: a daily secret outside the database, a truncated address, trusted proxies,
bots, and referrers reduced to domains."""

import datetime as dt

import pytest

from redac.visits.visitor import (
    INTERNAL_LABEL,
    DailySecret,
    client_address,
    is_bot,
    referrer_label,
    truncated,
    visitor_key,
)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
DAY = dt.date(2026, 5, 4)


def test_every_process_reads_the_same_secret_from_the_run_directory(tmp_path):
    first, second = DailySecret(tmp_path), DailySecret(tmp_path)
    assert first.for_day(DAY) == second.for_day(DAY)
    secret_file = tmp_path / "visits-secret-2026-05-04"
    assert secret_file.stat().st_mode & 0o077 == 0  # readable by the server's user only


def test_the_secret_changes_every_day_and_the_old_one_is_destroyed(tmp_path):
    secret = DailySecret(tmp_path)
    monday = secret.for_day(DAY)
    tuesday = secret.for_day(DAY + dt.timedelta(days=1))
    assert monday != tuesday
    assert [p.name for p in tmp_path.glob("visits-secret-*")] == ["visits-secret-2026-05-05"]


def test_the_key_depends_on_reader_and_page_but_not_on_the_last_octet(settings):
    settings.REDAC_TRUSTED_PROXIES = []
    reader = {"REMOTE_ADDR": "198.51.100.23", "HTTP_USER_AGENT": BROWSER}
    neighbour = {"REMOTE_ADDR": "198.51.100.200", "HTTP_USER_AGENT": BROWSER}
    elsewhere = {"REMOTE_ADDR": "198.51.101.23", "HTTP_USER_AGENT": BROWSER}
    key = visitor_key(reader, 7, DAY)
    # a digest: 32 hex digits, never the address (a digest may contain "198" by chance)
    assert len(key) == 32 and set(key) <= set("0123456789abcdef") and "198.51" not in key
    assert visitor_key(neighbour, 7, DAY) == key
    assert visitor_key(elsewhere, 7, DAY) != key
    assert visitor_key(reader, 8, DAY) != key
    assert visitor_key({**reader, "HTTP_USER_AGENT": BROWSER + " Edg/130"}, 7, DAY) != key


@pytest.mark.parametrize(
    ("address", "kept"),
    [("198.51.100.23", "198.51.100.0"), ("2001:db8:abcd:1234:5678::1", "2001:db8:abcd::"),
     ("::ffff:198.51.100.23", "198.51.100.0")],
)  # fmt: skip
def test_addresses_are_truncated_before_hashing(address, kept):
    assert truncated(address) == kept


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(settings):
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.23"}
    settings.REDAC_TRUSTED_PROXIES = []
    assert str(client_address(meta)) == "127.0.0.1"
    settings.REDAC_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert str(client_address(meta)) == "198.51.100.23"  # the right-most untrusted hop
    meta["HTTP_X_FORWARDED_FOR"] = "198.51.100.23, 10.1.2.3"  # through a second trusted proxy
    assert str(client_address(meta)) == "198.51.100.23"
    meta["REMOTE_ADDR"] = "203.0.113.9"  # not a proxy: its X-Forwarded-For is a lie
    assert str(client_address(meta)) == "203.0.113.9"


@pytest.mark.parametrize(
    "user_agent",
    [BROWSER,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0 Mobile Safari/537.36"],
)  # fmt: skip
def test_browsers_are_not_mistaken_for_bots(user_agent):
    assert not is_bot({"HTTP_USER_AGENT": user_agent})


@pytest.mark.parametrize(
    ("referrer", "label"),
    [
        ("https://www.lemonde.fr/politique/article.html?utm=1", "lemonde.fr"),
        ("https://www.google.fr/search?q=loyers", "Moteurs de recherche : Google"),
        ("https://www.google.com/", "Moteurs de recherche : Google"),
        ("https://duckduckgo.com/?q=x", "Moteurs de recherche : DuckDuckGo"),
        ("https://www.qwant.com/?q=x", "Moteurs de recherche : Qwant"),
        ("https://journal.example.org/actualite/", INTERNAL_LABEL),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("pas une adresse", ""),
    ],
)
def test_referrers_are_kept_as_domains_with_search_engines_and_internal_grouped(referrer, label):
    assert referrer_label(referrer, {"journal.example.org"}) == label
