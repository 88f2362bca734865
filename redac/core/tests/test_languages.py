"""French first, English available: the public site speaks REDAC_LANGUAGE."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"

pytestmark = pytest.mark.django_db


def test_public_site_is_french_whatever_the_browser_asks(client, demo):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="fr">' in html
    assert "Contactez-nous" in html and "Aller au contenu" in html


def test_an_english_site_gets_english_chrome(client, demo, settings):
    settings.LANGUAGE_CODE = "en"
    html = client.get("/actualite/").content.decode()  # a section speaks the site's language
    assert '<html lang="en">' in html
    assert "Contact us!" in html and "Skip to content" in html
    assert ">Home</a>" in html  # the breadcrumb root; section titles are content


def test_a_french_brève_on_an_english_site_speaks_french_everywhere_on_it(client, demo, settings):
    """A page speaks its own language (issue 18): the brève is written in French."""
    settings.LANGUAGE_CODE = "en"
    html = client.get(demo["breves"]["petition-guichets"].url).content.decode()
    assert '<html lang="fr">' in html
    assert "Contactez-nous" in html and "Aller au contenu" in html and "842\u00a0visites" in html
    assert ">Accueil</a>" in html


def test_the_chrome_a_worker_remembers_is_kept_per_language(client, demo, settings):
    section = "/actualite/"
    assert "Contactez-nous" in client.get(section).content.decode()
    settings.LANGUAGE_CODE = "en"
    english = client.get(section).content.decode()
    assert "Contact us!" in english and ">Newsroom<" in english and "Contactez" not in english
    settings.LANGUAGE_CODE = "fr"
    assert "Contactez-nous" in client.get(section).content.decode()


def test_compiled_english_catalogue_matches_its_source():
    po = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    with open(LOCALE / "en" / "LC_MESSAGES" / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, re.M)
    assert len(pairs) > 100
    for msgid, msgstr in pairs:
        msgid = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        msgstr = msgstr.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        assert catalogue.gettext(msgid) == msgstr, "run: msgfmt -o django.mo django.po"
