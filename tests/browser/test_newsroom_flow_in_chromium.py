"""The newsroom's flow in a real browser: a rédacteur writes a brève in SPIP markup and sees its
live preview, flags it for the flash and proposes it; the restricted administrator of the section
publishes it; it is on the home page and in the flash ticker."""

import importlib.util

import pytest

from tests.support.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]  # fmt: skip


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")


def footer_action(page, label):
    """Click an action of the editor's footer menu (primary button or in its dropdown)."""
    button = page.locator("footer button, footer a").filter(has_text=label).first
    if not button.is_visible():
        page.locator("footer .w-dropdown__toggle").first.click()
    button.click()


def test_breve_from_spip_markup_to_the_home_page(
    live_server, personas, browser, tmp_path, settings
):
    from redac.news.models import BrevePage

    personas["redacteur"].first_name = "Rita"
    personas["redacteur"].save()

    # The editor pings "who else is editing" in the background; on the test's in-memory SQLite
    # database a ping landing during the form's POST can fail with "table is locked" (a
    # shared-cache limitation that file databases in WAL mode do not have).
    settings.WAGTAIL_EDITING_SESSION_PING_INTERVAL = 3_600_000

    base = live_server.url
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        # The rédacteur starts a brève from the dashboard.
        log_in(page, base, "redac")
        assert "Mes articles" in page.content()
        page.locator("a", has_text="Nouvelle brève").first.click()
        page.wait_for_load_state()
        page.fill("#id_title", "Marche pour le rail samedi")
        # A « Texte SPIP » block, with its live preview.
        page.locator("button[title='Insérer un bloc'], button.c-sf-add-button").first.click()
        page.locator("[role=option], .w-combobox__option").filter(
            has_text="Texte SPIP"
        ).first.click()
        textarea = page.locator("textarea[name^=body-]").first
        textarea.fill("Départ à {{14 h}} devant la gare, avec {nos} banderoles.")
        preview = page.locator(".newsroom-spip-preview__body").filter(has_text="devant la gare")
        preview.first.wait_for(timeout=15_000)
        if importlib.util.find_spec("redac.typo") is not None:
            # With the typo engine, {{…}} is bold, as SPIP renders it.
            assert preview.first.locator("strong").count() == 1
        page.locator("#id_flash").check()
        page.screenshot(path=str(tmp_path / "redacteur.png"), full_page=True)
        with page.expect_navigation():
            footer_action(page, "Proposer à la publication")
        page.screenshot(path=str(tmp_path / "proposed.png"), full_page=True)
        breve = BrevePage.objects.get(title="Marche pour le rail samedi")
        assert breve.workflow_in_progress and not breve.live
        page.context.clear_cookies()

        # The restricted administrator of « Actualité » publishes it.
        log_in(page, base, "resa")
        page.goto(f"{base}/admin/pages/{breve.pk}/edit/")
        page.locator("footer .w-dropdown__toggle").first.click()
        approve = page.locator("footer [data-workflow-action-name=approve]").first
        assert approve.inner_text().strip() == "Publier"
        with page.expect_navigation():
            approve.click()
        page.screenshot(path=str(tmp_path / "restricted.png"), full_page=True)
        breve.refresh_from_db()
        assert breve.live

        # Readers see it on the home page and in the flash ticker.
        page.context.clear_cookies()
        page.goto(base + "/")
        assert "Marche pour le rail samedi" in page.locator("main").inner_text()
        assert "Marche pour le rail samedi" in page.locator(".flash").inner_text()
    finally:
        page.close()
