import pytest
from django.core.exceptions import ImproperlyConfigured

from redac.core.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_url,
    parse_email_url,
)


def test_booleans_accept_the_usual_spellings():
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True


@pytest.mark.parametrize("value", ["maybe", "2", "vrai"])
def test_a_bad_boolean_fails_loudly_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="REDAC_DEBUG"):
        env_bool("REDAC_DEBUG", environ={"REDAC_DEBUG": value})


def test_integers_are_checked_and_bounded():
    assert env_int("N", 3, environ={"N": " 7 "}) == 7
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("N", 3, environ={"N": "seven"})
    with pytest.raises(ImproperlyConfigured, match=">= 1"):
        env_int("N", 3, minimum=1, environ={"N": "0"})


def test_lists_split_on_commas_and_drop_blanks():
    assert env_list("H", environ={"H": "a.org, b.org,,"}) == ["a.org", "b.org"]


def test_choices_refuse_unknown_values():
    assert env_choice("L", ["fr", "en"], "fr", environ={"L": "en"}) == "en"
    with pytest.raises(ImproperlyConfigured, match="fr, en"):
        env_choice("L", ["fr", "en"], "fr", environ={"L": "de"})


@pytest.mark.parametrize("value", ["example.org", "ftp://example.org", "https://"])
def test_site_url_must_be_absolute_http(value):
    with pytest.raises(ImproperlyConfigured, match="REDAC_SITE_URL"):
        env_url("REDAC_SITE_URL", "http://x", environ={"REDAC_SITE_URL": value})


def test_email_url_gives_smtp_settings():
    config = parse_email_url("E", "smtp://user:p%40ss@mail.example.org:587?tls=1")
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True


def test_email_url_with_unknown_scheme_fails():
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        parse_email_url("REDAC_EMAIL_URL", "pigeon://coop")
