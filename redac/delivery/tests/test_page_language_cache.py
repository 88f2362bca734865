"""A page that speaks another language than the site is cached like any other, and its cached copy
speaks that language; the site's other pages keep theirs (issue 18: the page cache keys stay
right when a page is rendered in its own language)."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_page_is_cached_in_english_and_french_pages_stay_french(
    reader, demo, page_cache
):
    breve = demo["breves"]["petition-guichets"]
    breve.lang = "en"
    breve.save_revision().publish()
    first = reader.get(breve.url)
    assert first.header("x-cache") == "MISS" and b"Skip to content" in first.body
    again = reader.get(breve.url)
    assert again.header("x-cache") == "HIT" and again.body == first.body
    french = reader.get("/actualite/")
    assert b"Aller au contenu" in french.body and b"Skip to content" not in french.body
    assert reader.get("/actualite/").header("x-cache") == "HIT"
