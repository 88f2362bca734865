"""In a real browser: the page sends its beacon without cookie or storage, and the counter on the
page is refreshed from the API (so that a page from a cache still shows the right number)."""

import pytest

from tests.support.browser import launched_chromium

from .conftest import BROWSER

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]  # fmt: skip


def test_a_reader_is_counted_and_sees_the_updated_counter(live_server, demo):
    from redac.news.models import BrevePage
    from redac.visits.buffer import visit_buffer

    breve = demo["breves"]["petition-guichets"]
    # The page as a cache would have kept it: an old figure, which the script must correct.
    BrevePage.objects.filter(pk=breve.pk).update(visit_count=2_000)
    with launched_chromium() as browser:
        # Headless chromium says "HeadlessChrome" and would rightly be taken for a robot.
        page = browser.new_page(locale="fr-FR", user_agent=BROWSER)
        errors = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        with page.expect_response(lambda r: r.url.endswith(f"/api/visits/{breve.pk}/")) as count:
            page.goto(live_server.url + breve.url)
        assert count.value.json() == {"visits": 2_001}
        page.wait_for_function(
            "document.querySelector('.byline__visits').textContent.startsWith('2\u202f001')"
        )
        assert page.locator(".byline__visits").inner_text().replace("\u00a0", " ") \
            == "2\u202f001 visites"  # fmt: skip
        assert page.context.cookies() == []
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
        assert not errors
    visit_buffer.stop()  # the writer thread's connection must not outlive the test database
    visit_buffer._stopping = False
