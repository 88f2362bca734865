"""The links between translations of an imported article are typeset: « Lire en anglais » in the
language of the page, each title in its own language and typography (issue 18)."""

from __future__ import annotations

import pytest

from redac.news.models import ArticlePage
from redac.spipimport.models import ImportRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(spip4_site, run_import):
    source, img = spip4_site
    run_import(source, "--img", img)
    english = ArticlePage.objects.get(import_ref="spip:article:26")
    french = ArticlePage.objects.get(import_ref="spip:article:1")
    assert ImportRecord.objects.get(ref="spip:article:26").extra["trad"] == 1
    french.title = "Sommet : l'accord « historique » !"
    french.save_revision().publish()
    english.title = "Summit: the 'historic' deal!"
    english.save_revision().publish()
    return french, english


def test_the_french_page_says_lire_en_anglais_and_typesets_the_english_title_in_english(
    client, translated
):
    french, english = translated
    html = client.get(french.url).content.decode()
    nav = html[html.index('class="item__translations"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="{english.url}" hreflang="en"' in nav
    assert "Lire en anglais&nbsp;:" in nav
    assert '<cite lang="en">Summit: the ’historic’ deal!</cite>' in nav


def test_the_english_page_says_read_in_french_and_typesets_the_french_title_in_french(
    client, translated
):
    french, english = translated
    html = client.get(english.url).content.decode()
    nav = html[html.index('class="item__translations"') :]
    nav = nav[: nav.index("</nav>")]
    assert "Read in French:" in nav
    assert '<cite lang="fr">Sommet&nbsp;: l’accord «&nbsp;historique&nbsp;»&nbsp;!</cite>' in nav
