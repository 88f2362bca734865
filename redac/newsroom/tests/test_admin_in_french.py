"""Issue 16: the admin speaks the newsroom's French — no English field label on the login page,
no « workflow », no « un(e) » —, its Aide menu opens docs/editors.md in French inside the admin,
and no avatar is asked of Gravatar."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import translation

from tests.support.personas import login


def test_the_login_page_says_mot_de_passe(db):
    page = Client().get("/admin/login/").content.decode()
    assert "Mot de passe" in page and ">Password<" not in page and "Password\n" not in page


def test_the_aide_menu_opens_the_newsroom_guide_in_french(personas):
    client = login(Client(), personas["redacteur"])
    dashboard = client.get("/admin/").content.decode()
    # The sidebar's menu is JSON in the page (accents escaped): our item, not Wagtail's guide.
    assert '"newsroom-guide"' in dashboard and "/admin/aide/" in dashboard
    assert '"editor-guide"' not in dashboard and "guide.wagtail.org" not in dashboard
    guide = client.get("/admin/aide/")
    assert guide.status_code == 200
    text = guide.content.decode()
    assert "Qui peut faire quoi" in text and "<table>" in text
    assert "<h1" in text and "Guide de la rédaction" in text


def test_no_avatar_comes_from_gravatar(personas):
    client = login(Client(), personas["webmestre"])
    for url in ("/admin/", "/admin/users/"):
        assert "gravatar" not in client.get(url).content.decode().lower()


def test_wagtail_words_are_the_newsroom_s_in_french():
    from django.utils.translation import gettext

    with translation.override("fr"):
        assert gettext("Hello %(username)s,") == "Bonjour %(username)s,"
        assert gettext("Cancel workflow ") == "Retirer la proposition"
        for msgid in ("Add %(model_name)s", "%(model_name)s '%(object)s' updated.",
                      "Workflow", "Workflows", "Publishing this page will cancel the current "
                      "workflow."):  # fmt: skip
            french = gettext(msgid)
            assert "workflow" not in french.lower(), french
            assert not re.search(r"\((e|tte|la)\)", french), french


def test_the_spip_text_area_has_an_accessible_name():
    from redac.news.blocks import SpipTextBlock

    html = SpipTextBlock().field.widget.render("body-0-value", "")
    assert 'aria-label="Texte SPIP"' in html


def wagtail_admin_catalogue() -> dict:
    """Every French message of Wagtail (admin, core, snippets, images, documents, users…)."""
    import gettext
    from pathlib import Path

    import wagtail

    catalogue = {}
    for mo in Path(wagtail.__file__).parent.glob("**/locale/fr/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalogue.update(gettext.GNUTranslations(handle)._catalog)
    return catalogue


#: English words that Wagtail's own French catalogue leaves untranslated (« Status : » in the
#: editor's status panel): none may reach the newsroom.
ENGLISH_LEFT = re.compile(r"\b(Status|Password|Slug|True|False)\b")


def test_no_wagtail_admin_sentence_says_workflow_or_un_e_in_french():
    """The class, not the examples: every French sentence of Wagtail's admin catalogue (singular
    forms), as the newsroom's catalogue overrides it, is free of « workflow » and of « (e) »,
    « ce(tte) », « le(la) » endings."""
    from django.utils.translation import gettext

    wrong = []
    with translation.override("fr"):
        catalogue = wagtail_admin_catalogue()
        plurals = {
            key[0]: catalogue.get((key[0], 1)) for key in catalogue if isinstance(key, tuple)
        }
        for msgid in catalogue:
            if isinstance(msgid, tuple):
                continue  # plural forms: checked below, through ngettext
            if not msgid:
                continue
            french = gettext(msgid)
            text = re.sub(r"%\(\w+\)[sd]|\{\w+\}", "", french)
            if (
                "workflow" in text.lower()
                or re.search(r"\((e|le|la|tte)\)|le/la|ce/cette", text)
                or ENGLISH_LEFT.search(text)
            ):
                wrong.append(french)
        from django.utils.translation import ngettext

        for singular in plurals:
            for count in (1, 2):
                # the English plural is not in the French catalogue's keys: any text works, as
                # only the French forms are read
                french = ngettext(singular, singular + "s", count)
                text = re.sub(r"%\(\w+\)[sd]", "", french)
                if "workflow" in text.lower() or re.search(r"\((e|le|la|tte)\)", text):
                    wrong.append(french)
    assert wrong == []


def test_the_newsroom_s_french_keeps_every_placeholder():
    """An override that lost or renamed a ``%(name)s`` would turn a message into a 500."""
    import gettext
    from pathlib import Path

    mo = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        ours = gettext.GNUTranslations(handle)._catalog
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for msgid, french in ours.items():
        if isinstance(msgid, str) and msgid:
            assert set(placeholder.findall(french)) <= set(placeholder.findall(msgid)), msgid


def test_listings_show_statuses_in_words_not_raw_values(personas):
    client = login(Client(), personas["administrateur"])
    for url in ("/admin/snippets/flash/flashitem/", "/admin/snippets/flash/campaignbanner/"):
        page = client.get(url).content.decode()
        assert ">True<" not in page and ">False<" not in page, url
        assert "Status" not in page and "Statut" in page, url


def test_saving_the_site_identity_says_so_without_a_gender_mistake():
    from django.utils.translation import gettext

    with translation.override("fr"):
        message = gettext("%(setting_type)s updated.") % {"setting_type": "identité du site"}
    assert "mis à jour" not in message and "identité du site" in message
