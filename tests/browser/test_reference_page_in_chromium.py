"""A real browser (Playwright driving Debian's chromium) sees the six elements of the reference page
on the home page and on a brève: tagline, campaign banner, flash ticker with "Lire" links,
breadcrumb Accueil > Actualité > Brèves, byline + date + visit counter, footer contact link."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]  # fmt: skip


def test_home_and_breve_show_the_six_reference_elements(live_server, demo, browser_page, tmp_path):
    page = browser_page
    page.goto(live_server.url + "/")
    assert "association d" in page.locator(".site-tagline").inner_text()
    assert "campagne" in page.locator(".campaign").inner_text().lower()
    # three lines in the ticker; its script repeats them, hidden from assistive technology, for
    # a seamless scroll
    flash_items = page.locator('.flash__item:not([aria-hidden="true"])')
    assert flash_items.count() == 3
    assert "Flash" in page.locator(".flash__label").inner_text()
    assert page.locator(".flash__more").first.inner_text().startswith("Lire")
    assert page.locator("footer a.contact-link").inner_text().replace("\u00a0", " ") == (
        "Contactez-nous !"
    )
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # A reader follows the first flash item's "Lire" link to the brève.
    # the ticker scrolls: a reader pauses it to click a line, as the « Pause » button offers
    page.get_by_role("button", name="Pause").first.click()
    page.locator(".flash__more").first.click()
    page.wait_for_load_state()
    crumbs = page.locator("nav.breadcrumb li").all_inner_texts()
    assert [c.strip() for c in crumbs] == ["Accueil", "Actualité", "Brèves"]
    byline = page.locator("article .byline").inner_text().replace("\u00a0", " ")
    assert "La rédaction" in byline and "visites" in byline
    assert any(month in byline for month in ("janvier", "février", "mars", "avril", "mai", "juin",
               "juillet", "août", "septembre", "octobre", "novembre", "décembre"))  # fmt: skip
    assert page.locator(".site-tagline").is_visible()
    assert page.locator(".campaign").is_visible()
    assert page.locator("footer a.contact-link").is_visible()
    screenshot = tmp_path / "breve.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator("footer a.contact-link").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Contact"
