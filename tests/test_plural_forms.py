"""French counts take the singular for 0 and 1 (« 0 résultat », « 1 commentaire »): every
counted sentence of the templates has its entry in redac's French catalogue, whose plural rule
is French; without one Django falls back to the English rule (« 0 résultats », issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

REDAC = Path(__file__).resolve().parents[1] / "redac"
COUNTED = re.compile(
    r"{%\s*blocktrans(?:late)? count (\w+)=[^%]*%}(.*?){%\s*plural\s*%}(.*?)"
    r"{%\s*endblocktrans(?:late)?\s*%}", re.S)  # fmt: skip


def counted_sentences():
    for template in REDAC.rglob("*.html"):
        for counter, singular, plural in COUNTED.findall(template.read_text()):
            to_msgid = lambda text: re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", text)  # noqa: E731
            yield template.relative_to(REDAC), to_msgid(singular), to_msgid(plural)


def test_the_templates_have_counted_sentences():
    assert len(list(counted_sentences())) >= 3


@pytest.mark.parametrize("where,singular,plural", list(counted_sentences()))
def test_a_french_count_of_0_or_1_is_singular(where, singular, plural):
    with translation.override("fr"):
        for count in (0, 1):
            assert translation.ngettext(singular, plural, count) == singular, (where, count)
        assert translation.ngettext(singular, plural, 2) == plural


def test_an_english_count_of_0_is_plural():
    with translation.override("en"):
        assert translation.ngettext("%(counter)s résultat", "%(counter)s résultats", 0) == (
            "%(counter)s results"
        )


@pytest.mark.django_db
def test_the_search_page_says_0_resultat(client, demo):
    html = client.get("/recherche/", {"q": "zzzzzzqqqq", "du": "2001-01-01"}).content.decode()
    assert "0 résultats" not in html
