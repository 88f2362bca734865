"""Issue 16, « Rédacteur writes an article », in a real browser on a fresh demo, as a person
clicks: the rédactrice logs in, starts « Nouvel article » from her dashboard, finds her byline
already chosen, types a title and SPIP text that links to an article made in redac
(``[->articleN]``) and shows an image uploaded in redac (``<imgN>``), watches the live preview
(bullets, notes, the image), ticks keywords in their groups, saves at the first click and proposes
the article for publication. axe-core checks each admin page visited."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "Un-mot-de-passe-bien-long-2026"
TITLE = "Réunion publique sur les élections"

SETUP = f"""
import io
from PIL import Image as PILImage
from django.contrib.auth.models import Group, User
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from redac.news import numbers
from redac.news.models import ArticlePage
from redac.newsroom import roles
rita = User.objects.create_user("rlopez", "rita@journal.example.org", "{PASSWORD}",
                                first_name="Rita", last_name="Lopez")
rita.groups.add(Group.objects.get(name=roles.REDACTEUR))
buffer = io.BytesIO()
PILImage.new("RGB", (600, 400), (200, 60, 40)).save(buffer, "PNG")
image = get_image_model().objects.create(title="Affiche de la réunion",
                                         file=ImageFile(buffer, name="affiche.png"))
target = ArticlePage.objects.live().get(slug="gares-de-proximite")
print(numbers.number_of(image))
print(numbers.number_of(target))
print(target.url)
"""


def log_in(page, base):
    page.goto(base + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("rlopez")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_url(base + "/admin/")


def test_redactrice_writes_previews_and_proposes_an_article(demo_server, desktop, shots, axe):
    base, page = demo_server.url, desktop
    image_number, article_number, target_url = demo_server.shell(SETUP).splitlines()[-3:]

    log_in(page, base)
    shots(page, "tableau-de-bord")
    axe(page, "tableau-de-bord")

    # --- « Nouvel article », in a section of hers ------------------------------------------------
    page.get_by_role("link", name="Nouvel article").click()
    page.wait_for_load_state()
    shots(page, "choix-rubrique")
    axe(page, "choix-rubrique")
    page.get_by_role("link", name="Actualité", exact=True).click()
    page.wait_for_load_state()
    assert "/admin/pages/add/news/articlepage/" in page.url

    # Her byline is already chosen.
    # Her byline is already chosen (her name appears nowhere else in the editor's form).
    assert page.locator("input[name='author_links-0-author']").input_value()
    assert "Rita Lopez" in page.locator("form#page-edit-form").inner_text()

    # --- Title and SPIP text, watched in the live preview -----------------------------------
    page.fill("#id_title", TITLE)
    page.locator("button[title='Insérer un bloc'], button.c-sf-add-button").first.click()
    page.locator("[role=option], .w-combobox__option").filter(has_text="Texte SPIP").first.click()
    text = (
        "Salle des fêtes, {{jeudi à 20 h}}. Lire aussi [notre enquête->article"
        f"{article_number}].\n\n<img{image_number}|center>\n\n"
        "-* accueil à 19 h 30 ;\n-* débat à 20 h.\n\n"
        "Entrée libre[[Dans la limite des places disponibles.]]."
    )
    textarea = page.locator("textarea[name^=body-]").first
    textarea.fill(text)
    preview = page.locator(".newsroom-spip-preview__body").first
    preview.locator(".notes").wait_for(timeout=20_000)
    assert "Dans la limite des places disponibles." in preview.inner_text()
    bullet = preview.locator("ul li").first
    assert bullet.evaluate("li => getComputedStyle(li).listStyleType") == "disc"
    assert bullet.evaluate("li => getComputedStyle(li).display") == "list-item"
    assert preview.locator(f"a[href$='{target_url}']").count() == 1
    shown = preview.locator("img").first
    shown.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=shown.element_handle()
    )

    # --- Keywords: ticked in their groups ----------------------------------------------------
    keywords = page.locator(".newsroom-keywords")
    assert keywords.locator("legend", has_text="Thèmes").count() == 1
    assert keywords.locator("legend", has_text="Pays").count() == 1
    assert page.locator("select[name=keywords]").count() == 0
    keywords.get_by_label("Logement").check()
    keywords.get_by_label("France").check()
    shots(page, "redaction")
    axe(page, "editeur")

    # --- Saved at the first click -------------------------------------------------------------
    page.locator("footer button", has_text="Enregistrer le brouillon").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    assert page.locator(".error-message, .help-critical").count() == 0
    article_id = int(re.search(r"/pages/(\d+)/edit/", page.url).group(1))
    shots(page, "brouillon")

    # --- Proposed for publication -------------------------------------------------------------
    button = page.locator("footer button, footer a").filter(has_text="Proposer à la publication")
    if not button.first.is_visible():
        page.locator("footer .w-dropdown__toggle").first.click()
    with page.expect_navigation():
        button.first.click()
    # Wagtail's message slides in: checked once it is there (not half transparent).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.messages ul')]"
        ".every(ul => getComputedStyle(ul).opacity === '1')"
    )
    shots(page, "propose")
    axe(page, "apres-proposition")

    state = demo_server.shell(f"""
from redac.news.models import ArticlePage
from redac.newsroom.services import spip_status
page = ArticlePage.objects.get(pk={article_id})
print(page.slug)
print(",".join(link.author.name for link in page.author_links.all()))
print(",".join(sorted(k.name for k in page.get_latest_revision_as_object().keywords.all())))
print(page.get_latest_revision_as_object().body[0].block_type)
print(page.workflow_in_progress)
""").splitlines()
    assert state[-5:] == ["reunion-publique-sur-les-elections", "Rita Lopez", "France,Logement",
                          "spip", "True"]  # fmt: skip

    # The dashboard lists it among her proposals.
    page.goto(base + "/admin/")
    proposed = page.locator(".newsroom-my-items").inner_text()
    assert TITLE in proposed.split("Proposés à la publication")[1].split("Publiés récemment")[0]
    shots(page, "mes-articles")

    # « Ma signature »: her byline is hers to edit.
    page.goto(base + "/admin/newsroom/ma-signature/")
    page.get_by_label("Biographie").fill("Rita suit la vie locale.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "Votre signature est enregistrée." in page.locator("body").inner_text()
    axe(page, "ma-signature")
