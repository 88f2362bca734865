"""The slug rule (SPIP's « URLs propres », ``url_nettoyer``), on SPIP's examples and any title."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from redac.core.slugs import MAX_LENGTH, UNTITLED, spip_slug

# Titles of the shared SPIP 4.3 site, and what SPIP's url_nettoyer() makes of them in propres mode
# with lower-case addresses (``_url_minuscules``): every punctuation run and space is one separator,
# apostrophes included (« s'accordent » -> ``s-accordent``), accents transliterated.
SPIP_EXAMPLES = {
    ("rubrique", 3): "economie",
    ("rubrique", 6): "a-propos",
    ("article", 1): "sommet-du-g20-les-dirigeants-s-accordent-sur-le-climat",
    ("article", 3): "l-union-europeenne-elargit-ses-sanctions",
    ("article", 11): "greve-dans-les-transports-ce-qu-il-faut-savoir",
    ("article", 14): "rentree-litteraire-nos-dix-coups-de-coeur",
    ("article", 16): "tolstoi-cent-ans-apres-une-nouvelle-traduction",
    ("article", 20): "qui-sommes-nous",
    ("breve", 1): "vers-un-partenariat-strategique-russo-japonais",
    ("breve", 5): "record-d-affluence-au-salon-de-l-agriculture",
    ("mot", 2): "energie",
    ("auteur", 4): "aicha-benali",
}


def test_slug_of_the_issue_example_is_ascii_words_joined_by_hyphens():
    assert spip_slug("Réunion publique sur les élections") == "reunion-publique-sur-les-elections"


def test_slug_follows_spip_own_example_of_propres_urls():
    # urls/propres.php: URLS_PROPRES_EXEMPLE « Titre-de-l-article »
    assert spip_slug("Titre de l'article") == "titre-de-l-article"
    assert spip_slug("Mon titre d’article") == "mon-titre-d-article"


def _shared_objects(shared_dir):
    return json.loads((shared_dir / "spip" / "site" / "urls.json").read_text())["objects"]


def test_slugs_of_the_shared_spip_site_titles_are_those_spip_makes(shared_dir):
    objects = _shared_objects(shared_dir)
    titles = {(o["type"], o["id"]): o["titre"] for o in objects}
    for key, expected in SPIP_EXAMPLES.items():
        assert spip_slug(titles[key]) == expected, key


def test_every_title_of_the_shared_spip_site_gets_a_whole_word_slug(shared_dir):
    objects = _shared_objects(shared_dir)
    for obj in objects:
        if obj["titre"].strip():
            slug = spip_slug(obj["titre"])
            assert re.fullmatch(r"[a-z0-9_]+(-[a-z0-9_]+)*", slug), obj


def test_slug_drops_spip_numbering_tags_and_multi():
    assert spip_slug("12. Le programme") == "le-programme"
    assert spip_slug("3) Le programme") == "le-programme"
    assert spip_slug("1° Le programme") == "le-programme"
    assert spip_slug("Un <b>titre</b> {gras}") == "un-titre-gras"
    assert spip_slug("<multi>[fr]Bonjour le monde[en]Hello world</multi>") == "bonjour-le-monde"
    assert spip_slug("<multi>[fr]Bonjour[en]Hello world</multi>", lang="en") == "hello-world"


def test_slug_keeps_a_number_that_is_part_of_the_title():
    assert spip_slug("2024 : une année décisive") == "2024-une-annee-decisive"
    assert spip_slug("1984") == "1984"


def test_slug_decodes_entities_and_keeps_spip_underscore():
    assert spip_slug("Pain &amp; roses") == "pain-roses"
    assert spip_slug("le_mot_juste") == "le_mot_juste"


def test_slug_transliterates_every_script_to_ascii():
    assert spip_slug("Москва и Санкт-Петербург") == "moskva-i-sankt-peterburg"
    assert spip_slug("Œuvres complètes de Straße") == "oeuvres-completes-de-strasse"


def test_long_title_stops_before_the_word_that_does_not_fit():
    title = (
        "La commission d'enquête parlementaire sur les conséquences économiques "
        "de la désindustrialisation rend son rapport"
    )
    slug = spip_slug(title)
    # SPIP counts the separator it strips: at most 79 characters, whole words
    assert slug == ("la-commission-d-enquete-parlementaire-sur-les-consequences-economiques-de-la")
    assert len(slug) <= MAX_LENGTH - 1


def test_short_title_gives_the_object_name_when_the_caller_gives_one_as_spip():
    assert spip_slug("G8", fallback="article12") == "article12"
    assert spip_slug("Le G8", fallback="article12") == "le-g8"
    # without a name to give (the admin, before the object has a number) the short slug is kept
    assert spip_slug("G8") == "g8"


def test_title_without_letters_or_digits_gets_a_slug_still():
    assert spip_slug("!!! ?") == UNTITLED
    assert spip_slug("« … »", fallback="breve3") == "breve3"


def test_first_word_longer_than_the_maximum_is_the_only_word_ever_cut():
    word = "a" * 200
    assert spip_slug(word) == "a" * (MAX_LENGTH - 1)
    assert spip_slug(word, fallback="article7") == "article7"  # SPIP: url_nettoyer gives up


# ---- properties, on any title ----
titles = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300)


def _full(title: str) -> str:
    return spip_slug(title, max_length=10**6)


@given(titles)
@example("Réunion publique")
@example("_" * 100 + "a")
@example("a" * 79 + " b")
def test_slug_is_always_ascii_lowercase_words(title):
    slug = spip_slug(title)
    assert slug.isascii()
    assert re.fullmatch(r"[a-z0-9_]+(-[a-z0-9_]+)*", slug)
    assert len(slug) <= MAX_LENGTH - 1


@given(titles.filter(lambda t: t.strip()))
def test_slug_is_never_empty_for_a_non_empty_title(title):
    assert spip_slug(title)
    assert spip_slug(title, fallback="article1")


@given(titles)
@example("un " + "mot " * 30)
@example("Les exportations japonaises au plus haut depuis dix ans, un record historique")
def test_slug_never_ends_with_a_cut_word(title):
    slug, full = spip_slug(title), _full(title)
    if slug == UNTITLED:
        return
    first_word = full.split("-", 1)[0]
    if len(first_word) >= MAX_LENGTH:  # the one documented exception
        assert slug == first_word[: MAX_LENGTH - 1].strip("_")
        return
    # the slug is the full list of words, stopped at a word boundary
    assert full == slug or full.startswith(slug + "-")


@given(titles, st.sampled_from(["", "article12", "rubrique3"]))
@example("_" * 100 + "a", "")
@example("G8", "article12")
def test_slug_is_idempotent_on_its_own_output(title, fallback):
    slug = spip_slug(title, fallback=fallback)
    assert spip_slug(slug, fallback=fallback) == slug


@pytest.mark.parametrize("title", ["", "   ", "\n"])
def test_blank_title_gets_the_untitled_slug_or_the_object_name(title):
    assert spip_slug(title) == UNTITLED
    assert spip_slug(title, fallback="article4") == "article4"
