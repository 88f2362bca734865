"""A reader's browser sees an embedded video as a facade: nothing is requested from the provider
until the reader presses the button (named after the video and the provider); then a sandboxed
iframe loads under the site's CSP."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                         serialized_rollback=True)]  # fmt: skip

PLAYER = "https://www.youtube-nocookie.com/embed/abc123"


@pytest.fixture
def provider_page(browser_page):
    """The page of the live server, with the provider played by a stand-in: the test never
    leaves the machine."""
    browser_page.context.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(body="<p>lecteur</p>", content_type="text/html"),
    )
    return browser_page


def test_a_reader_loads_an_embedded_video_only_by_pressing_its_button(
    live_server, demo, provider_page
):
    from redac.news.models import BreveIndexPage, BrevePage

    listing = BreveIndexPage.objects.get()
    breve = BrevePage(
        title="Le conseil en vidéo", slug="conseil-video",
        body=[("spip", "La séance :\n\n<iframe width='560' height='315' "
                       "src='https://www.youtube.com/embed/abc123' title='Conseil municipal'>"
                       "</iframe>\n\nFin.")],
    )  # fmt: skip
    listing.add_child(instance=breve)
    breve.save_revision().publish()

    page = provider_page
    page.goto(live_server.url + breve.url)
    page.wait_for_load_state("networkidle")
    assert not [url for url in page.requested if not url.startswith(live_server.url)]
    assert page.locator("iframe").count() == 0

    button = page.get_by_role("button", name="Lire «\u00a0Conseil municipal\u00a0» (YouTube)")
    assert button.is_visible()
    button.focus()
    page.keyboard.press("Enter")  # a keyboard user can start it too
    frame = page.locator(".embed iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == PLAYER + "?autoplay=1"
    assert frame.get_attribute("title") == "Conseil municipal"
    sandbox = frame.get_attribute("sandbox").split()
    assert "allow-scripts" in sandbox and "allow-top-navigation" not in sandbox
    page.wait_for_load_state("networkidle")
    assert any(url.startswith(PLAYER) for url in page.requested)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
