"""Fixtures of the browser journeys (tests/support/browser.py): a fresh demo server per test
module, headless chromium, desktop and phone pages, screenshots and axe-core checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import skip_or_fail
from tests.support import browser as support

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test of this folder drives chromium: marked ``browser`` and ``slow`` (left out of
    ``make test-fast``)."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item, so that a page fixture can save what the
    page showed when the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def demo_server(request):
    """A fresh demo served on a free port for this test module: ``.url``, ``.username``,
    ``.password``, ``.mails()``, ``.wait_for_mail()``, ``.shell()``; stopped and removed after
    the module (its logs stay in test-artifacts/<module>/)."""
    module = support.artifacts_dir_for(request.node.nodeid)
    server = support.DemoServer(module)
    try:
        server.start()
    except support.DemoError as exc:
        server.stop()
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture
def browser():
    """Debian's chromium, headless, driven by Playwright, for one test. Not for a whole module:
    Playwright's event loop, running in this thread before the test's database is set up,
    stopped a transactional test's ``serialized_rollback`` from bringing the content back after
    an earlier transactional test had emptied the database (the demo then had no root page)."""
    with support.launched_chromium() as launched:
        yield launched


@pytest.fixture
def browser_page(browser):
    """A page of 1280 × 900 in French for tests against Django's ``live_server``: what the
    console says in red is kept in ``page.console_errors``, every URL it asks for in
    ``page.requested``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text)
            if msg.type == "error" else None)  # fmt: skip
    page.requested = []
    context.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()


@pytest.fixture
def shots(request):
    """``shots(page, "step")``: a numbered full-page screenshot in
    test-artifacts/<module>/<test>/."""
    return support.Screenshots(support.artifacts_dir_for(request.node.nodeid))


def _page(request, browser, shots, options):
    context = browser.new_context(**support.COMMON_CONTEXT, **options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and not page.is_closed():
        try:
            shots(page, "echec")
        except Exception:  # the page may be gone; the failure is what matters
            pass
    context.close()


@pytest.fixture
def desktop(request, browser, shots):
    """A page in a fresh desktop context (1400 × 1000, French, Paris time)."""
    yield from _page(request, browser, shots, support.DESKTOP)


@pytest.fixture
def phone(request, browser, shots):
    """A page in a fresh phone context (390 × 844, touch)."""
    yield from _page(request, browser, shots, support.PHONE)


@pytest.fixture
def axe(shots):
    """``axe(page, "label")``: fail on axe-core's critical or serious violations on the page as it
    is; every violation found is kept in the test's artefacts."""
    if not support.AXE_PATH.exists():
        skip_or_fail(f"axe-core is not installed at {support.AXE_PATH} (make install-test)")

    def check(page, label: str = "") -> list[dict]:
        return support.assert_accessible(page, label, shots=shots)

    return check
