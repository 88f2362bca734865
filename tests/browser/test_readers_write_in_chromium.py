"""A reader sends a contact message and posts a comment in a real browser; an editor approves the
comment in the admin; it appears on the page; the message is in the admin inbox."""

import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]  # fmt: skip


def test_reader_writes_editor_moderates(live_server, demo, browser_page, settings):
    from django.contrib.auth.models import User
    from django.core.cache import cache

    from redac.news.models import ArticlePage

    cache.clear()
    settings.REDAC_FORM_MIN_SECONDS = 1
    User.objects.create_superuser("cheffe", "cheffe@example.org", "motdepasse-cheffe-1")
    article = ArticlePage.objects.get(slug="gares-de-proximite")
    page = browser_page

    # The reader writes through « Contactez-nous ! ».
    page.goto(live_server.url + "/")
    page.locator("footer a.contact-link").click()
    page.wait_for_load_state()
    page.fill("#id_name", "Nadia Lectrice")
    page.fill("#id_email", "nadia@example.fr")
    page.select_option("#id_subject", label="Adhésion")
    page.fill("#id_message", "Bonjour, comment adhérer à l'association ?")
    time.sleep(1.2)
    page.click("form.contact-form button[type=submit]")
    page.wait_for_load_state()
    assert "bien été reçu" in page.locator(".notice").inner_text()

    # She comments on an article (the form is revealed and given its token by comments.js).
    page.goto(live_server.url + article.url)
    form = page.locator("form.comment-form")
    assert form.is_visible()
    page.fill("#comment-author-name", "Nadia")
    page.fill("#comment-body", "Enquête passionnante, merci ! https://exemple.org/source")
    time.sleep(1.2)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/commentaires/**")
    assert "après relecture" in page.locator(".notice").inner_text()
    page.goto(live_server.url + article.url)
    assert "Enquête passionnante" not in page.content()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    # The editor approves it in the moderation queue.
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "cheffe")
    page.fill("#id_password", "motdepasse-cheffe-1")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/admin/commentaires/")
    row = page.locator("tr.moderation-row", has_text="Enquête passionnante")
    row.locator("button[value=approve]").click()
    page.wait_for_load_state()

    # The reader's message is in the inbox.
    page.goto(live_server.url + "/admin/messages/")
    assert "Nadia Lectrice" in page.locator("table.listing").inner_text()

    # The comment is on the page, its link marked as user content. (The admin's own CSP reports,
    # e.g. Wagtail's gravatar over http, are not this test's business.)
    page.console_errors.clear()
    page.goto(live_server.url + article.url)
    comment = page.locator(".comment", has_text="Enquête passionnante")
    assert comment.count() == 1
    assert comment.locator("a").first.get_attribute("rel") == "nofollow ugc noopener"
    assert "1 commentaire" in page.locator("#commentaires-titre").inner_text()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
