"""Issue 16, SPIP numbers: a rédacteur writing SPIP text sees « Article n° N », opens the image
chooser and puts ``<imgN>`` into her text in one click, as a person would in Chromium."""

import pytest

from tests.browser.test_newsroom_flow_in_chromium import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]  # fmt: skip


def test_redacteur_inserts_an_image_shortcut_from_the_chooser(live_server, browser, personas,
                                                               tmp_path, settings):  # fmt: skip
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from redac.news import numbers
    from redac.news.models import ArticlePage
    from tests.support.spip_sites import png_bytes

    settings.WAGTAIL_EDITING_SESSION_PING_INTERVAL = 3_600_000  # see the newsroom flow test
    user = personas["redacteur"]
    image = get_image_model().objects.create(
        title="Manifestation du 1er mai", file=ContentFile(png_bytes(40, 30), name="mai.png")
    )
    number = numbers.number_of(image)
    article = ArticlePage.objects.filter(live=True).first()
    article_number = numbers.number_of(article)
    article.owner = user
    article.save()

    base = live_server.url
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        log_in(page, base, "redac")
        section = article.get_parent()
        page.goto(f"{base}/admin/pages/add/news/articlepage/{section.pk}/")
        page.wait_for_load_state()
        assert "Le numéro" in page.locator("[data-spip-number]").inner_text()
        page.fill("#id_title", "Le défilé du 1er mai")
        page.locator("button[title='Insérer un bloc'], button.c-sf-add-button").first.click()
        page.locator("[role=option], .w-combobox__option").filter(
            has_text="Texte SPIP"
        ).first.click()
        textarea = page.locator("textarea[name^=body-]").first
        textarea.fill("Le cortège. ")
        textarea.focus()
        textarea.press("End")
        # An image block's chooser lists the images with their numbers.
        page.locator("button[title='Insérer un bloc'], button.c-sf-add-button").last.click()
        page.locator("[role=option], .w-combobox__option").filter(has_text="Image").first.click()
        page.locator("button", has_text="Choisir une image").last.click()
        insert = page.locator(f"[data-spip-insert='<img{number}>']")
        insert.wait_for(timeout=20_000)
        assert f"n° {number}" in insert.inner_text()
        page.screenshot(path=str(tmp_path / "chooser.png"), full_page=True)
        insert.click()
        assert textarea.input_value() == f"Le cortège. <img{number}>"
        page.screenshot(path=str(tmp_path / "inserted.png"), full_page=True)

        # An existing article shows its number and the shortcut that links to it.
        page.goto(f"{base}/admin/pages/{article.pk}/edit/")
        label = page.locator("[data-spip-number]").inner_text()
        assert f"Article n° {article_number}" in label and f"[->article{article_number}]" in label
    finally:
        page.close()
