"""Issue 21 in a real browser on a fresh demo: a reader opens the agenda, goes to the month's
table, narrows it to a section with the keyboard alone, opens an event and downloads its .ics;
axe-core finds no critical or serious violation on the agenda's pages."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def focus_link(page, href_part: str, *, presses: int = 120) -> str:
    """Press Tab until the focused element is a link whose address contains ``href_part``."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        href = page.evaluate("() => document.activeElement.getAttribute('href') || ''")
        if href_part in href:
            return href
    raise AssertionError(f"no link to {href_part} reached with the keyboard")


def test_reader_filters_the_month_by_keyboard_opens_an_event_and_adds_it(demo_server, desktop,
                                                                         axe):  # fmt: skip
    base, page = demo_server.url, desktop
    page.goto(base + "/agenda/")
    assert page.locator("h1").inner_text().startswith("Agenda")
    axe(page, "agenda")

    focus_link(page, "/agenda/20")  # « Voir le mois en calendrier »
    page.keyboard.press("Enter")
    page.wait_for_url("**/agenda/*/*/")
    assert page.locator("table.agenda-calendar caption").count() == 1
    assert page.locator("table.agenda-calendar th[scope=col]").count() == 7
    axe(page, "mois")

    focus_link(page, "/agenda/rubrique/culture/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/agenda/rubrique/culture/*/*/")
    assert "Culture" in page.locator("h1").inner_text()
    axe(page, "mois, rubrique Culture")

    page.goto(base + "/agenda/rubrique/culture/")
    # the title is set with French typography (’), the calendar keeps it as typed (')
    page.get_by_role("link", name=re.compile("Atelier d.écriture")).click()
    page.wait_for_url("**/atelier-ecriture/")
    assert "de 14 h 30 à 17 h" in page.locator(".event__facts").inner_text()
    axe(page, "évènement")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    download = download_info.value
    assert download.suggested_filename == "atelier-ecriture.ics"
    content = open(download.path(), encoding="utf-8").read()
    assert content.startswith("BEGIN:VCALENDAR") and "SUMMARY:Atelier d'écriture" in content
