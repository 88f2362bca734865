"""Issue 16, « Reader on a phone (390 × 844) », in a real browser on a fresh demo: on every page
type the page's <h1> starts in the top half of the first screen (header, banner and flash kept
short), the flash is one line that scrolls and can be paused (and stays still for a reader who
asks for less motion), listings show an article's image, the social card shows it too, home and
section pages link to their feed, which a browser shows as a readable page, the newsletter page
explains itself with its consent box beside its label, « 0 résultat » is singular, and axe-core
finds no critical or serious violation."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

SETUP = r"""
import io
from PIL import Image as PILImage
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from redac.news.models import ArticlePage, Keyword
buffer = io.BytesIO()
PILImage.new("RGB", (1200, 800), (20, 90, 160)).save(buffer, "PNG")
image = get_image_model().objects.create(title="Guichet de gare",
                                         file=ImageFile(buffer, name="guichet.png"))
article = ArticlePage.objects.get(slug="gares-de-proximite")
article.lead_image = image
article.save_revision().publish()
keyword = Keyword.objects.filter(articles__isnull=False).first()
print(article.get_parent().url)
print(article.url)
print(keyword.get_absolute_url())
print(article.authors[0].get_absolute_url())
"""


def h1_top(page) -> float:
    return page.evaluate("() => document.querySelector('h1').getBoundingClientRect().top")


def flash_line_count(page) -> float:
    """How many lines high the ticker's viewport is (one line of its text)."""
    return page.evaluate(
        """() => { const v = document.querySelector('.flash__viewport');
                   const item = document.querySelector('.flash__item');
                   return v.getBoundingClientRect().height / parseFloat(getComputedStyle(item).lineHeight); }"""
    )


def test_reader_on_a_phone_sees_each_page_type_from_its_title(demo_server, phone, shots, axe):
    base, page = demo_server.url, phone
    section, article, keyword, author = demo_server.shell(SETUP).splitlines()[-4:]
    breve = demo_server.shell(
        "from redac.news.models import BrevePage\n"
        "print(BrevePage.objects.live().order_by('-date').first().url)"
    )
    pages = {
        "accueil": "/", "rubrique": section, "article": article, "breve": breve,
        "breves": breve.rsplit("/", 2)[0] + "/", "recherche": "/recherche/?q=logement",
        "mot-cle": keyword, "auteur": author, "lettre": "/lettre/", "contact": "/contact/",
    }  # fmt: skip
    screen = page.viewport_size["height"]
    for label, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, f"{label} ({path}): {response.status}"
        page.wait_for_load_state()
        top = h1_top(page)
        assert 0 <= top < screen / 2, f"{label} ({path}): the h1 starts at y={top}"
        shots(page, label)
        axe(page, label)

    # --- The flash: one line, a real ticker with a pause button --------------------------------
    page.goto(base + "/")
    assert page.locator(".flash__item").count() >= 2
    assert flash_line_count(page) < 1.6
    toggle = page.get_by_role("button", name=re.compile("^Pause"))
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    moving = page.locator(".flash__list")
    assert moving.evaluate("el => getComputedStyle(el).animationName") == "flash-scroll"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert moving.evaluate("el => getComputedStyle(el).animationPlayState") == "paused"
    # the copy that closes the loop is hidden from screen readers and from the tab order
    assert (
        page.locator(".flash__item:not([aria-hidden])").count()
        == page.locator(".flash__item[aria-hidden=true]").count()
    )
    shots(page, "flash-en-pause")
    still = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                             reduced_motion="reduce", locale="fr-FR")  # fmt: skip
    calm = still.new_page()
    calm.goto(base + "/")
    assert calm.locator(".flash__list").evaluate("el => getComputedStyle(el).animationName") in (
        "none",
        "",
    )
    assert not calm.locator(".flash__toggle").is_visible()
    assert (
        calm.evaluate(
            "() => document.querySelector('.flash__viewport').getBoundingClientRect().height"
        )
        < 40
    )
    still.close()

    # --- Images: in the listing, on the social card -----------------------------------------
    page.goto(base + section)
    card = page.locator(".card", has=page.locator(f"a[href='{article}']"))
    assert card.locator("img.card__image").count() == 1
    page.goto(base + article)
    og_image = page.locator("meta[property='og:image']").get_attribute("content")
    assert "/media/images/" in og_image and "guichet" in og_image, og_image

    # --- Feeds: a visible link, and a readable page in the browser -----------------------------
    for path in ("/", section):
        page.goto(base + path)
        link = page.get_by_role("link", name=re.compile("S'abonner au fil"))
        assert link.is_visible()
    link.click()
    page.wait_for_load_state()
    assert "fil d’actualité" in page.locator("body").inner_text()
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".feed-page__item a").count() >= 1
    shots(page, "fil-rss")

    # --- Forms: buttons like the site's; the newsletter explains itself -----------------------
    page.goto(base + "/lettre/")
    assert "courriel" in page.locator(".newsletter__intro").inner_text()
    box = page.locator("input[type=checkbox][name=consent]").bounding_box()
    label = page.locator("label[for=id_consent]").bounding_box()
    assert abs(box["y"] - label["y"]) < 20 and box["x"] < label["x"], (box, label)
    button = page.get_by_role("button", name="M'inscrire")
    accent = page.locator(".flash__label").evaluate("el => getComputedStyle(el).color")
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") == accent
    shots(page, "lettre")

    # --- « 0 résultat », singular ----------------------------------------------------------------
    page.goto(base + "/recherche/?q=logement&du=2001-01-01&au=2001-01-02")
    count = page.locator(".search-count").first.inner_text()
    assert not re.search(r"\b0 résultats\b", count), count
