"""Issue 16, « Reader on a phone », what the server sends: the flash ticker as one line with its
pause button and its script (no inline script), a visible feed link on home and section pages,
feeds with an XSLT stylesheet served same-origin as XML, and a newsletter page that explains
itself with its consent box in the label's row. The layout itself is measured in Chromium
(tests/browser/test_journey_reader_phone.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_flash_is_one_list_with_one_label_a_pause_button_and_no_inline_script(client, demo):
    html = client.get("/").content.decode()
    flash = html[html.index('<section class="flash"') : html.index("</section>", html.index(
        '<section class="flash"'))]  # fmt: skip
    assert flash.count('class="flash__list"') == 1 and flash.count("Flash :") == 1
    assert re.search(r'<button type="button" class="flash__toggle"[^>]*aria-pressed="false"', flash)
    assert re.search(r'<script src="/static/redac/js/flash[.\w]*js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", html.replace(
        '<script type="application/ld+json">', ""))  # fmt: skip


def test_home_and_section_pages_link_to_their_feed(client, demo):
    home = client.get("/").content.decode()
    assert re.search(r'<p class="feed-link"><a href="/feeds/rss/" type="application/rss\+xml">',
                     home)  # fmt: skip
    section = client.get("/actualite/").content.decode()
    assert re.search(r'<p class="feed-link"><a href="/feeds/rubriques/actualite/rss/"', section)
    assert client.get("/feeds/rubriques/actualite/rss/").status_code == 200


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/", "/feeds/rubriques/actualite/rss/"])
def test_a_feed_names_its_xslt_stylesheet_on_the_same_site(client, demo, url):
    response = client.get(url)
    # Chromium shows application/rss+xml and atom+xml as plain text, never applying a stylesheet
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    head = response.content.decode()[:400]
    match = re.search(r'<\?xml-stylesheet href="(/static/redac/feed[.\w]*xsl)"[^>]*type="text/xsl"',
                      head)  # fmt: skip
    assert match, head
    assert finders.find("redac/feed.xsl")


def test_the_stylesheet_is_served_as_xml_so_that_browsers_apply_it(demo):
    from django.conf import settings

    assert settings.WHITENOISE_MIMETYPES[".xsl"].startswith("text/xsl")


def test_the_newsletter_page_explains_itself_and_its_consent_box_sits_in_its_label_row(client,
                                                                                       demo):  # fmt: skip
    html = client.get("/lettre/").content.decode()
    assert re.search(r'<div class="newsletter__intro">\s*<p>Recevez par courriel', html)
    assert re.search(r'class="reader-form__field reader-form__field--check[^"]*">'
                     r'<input type="checkbox" name="consent"', html)  # fmt: skip
