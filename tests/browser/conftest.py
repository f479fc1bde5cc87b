"""Real headless Chromium (Debian's package) driven by Playwright, with axe-core.

Never downloads a browser. Under CI=true a missing Chromium fails the run; elsewhere
the browser tests are skipped with the reason.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=sv-SE",  # date fields in the Swedish form, YYYY-MM-DD
]
# Playwright's sync API keeps an event loop in this thread; the Django ORM calls made by
# the tests themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing; .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def seeded(request):
    """Reload the migrations' programmes and roles, which a live-server test's flush removes.

    serialized_rollback does not help here: Playwright's sync API runs the test in a
    greenlet whose connection never saw the serialized copy.
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("reseeded")


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context that fails the test on console errors and CSP violations."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert problems == [], f"browser console errors: {problems}"


@pytest.fixture
def login(live_server):
    """Log in by a session cookie made with force_login: no test-only backdoor (G-3)."""

    def _login(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return _login


# One page's axe run takes about a second; a browser that has stopped answering gets this
# long before the test fails.
AXE_TIMEOUT_MS = 60_000
_AXE_START = """options => {
    window.__axeOutcome = null;
    axe.run(document, options).then(
        results => { window.__axeOutcome = {results}; },
        error => { window.__axeOutcome = {error: String(error)}; },
    );
}"""


def assert_accessible(page, timeout_ms: int = AXE_TIMEOUT_MS) -> None:
    """axe-core at WCAG 2.1 A/AA: zero violations (W1, AX1).

    axe is injected once a page and started without awaiting it; Playwright then waits for
    its outcome with a timeout. Awaiting `axe.run` inside `page.evaluate`, as
    axe-playwright-python does, has no timeout: once a CI run stalled there for good
    (2026-12-04). Now such a browser fails the test."""
    from axe_playwright_python.sync_playwright import Axe, AxeResults

    options: dict = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    if urlsplit(page.url).path.startswith("/admin/"):
        # axe's CSSOM preload resolves the admin's `@import url('widgets.css')` against the
        # page's URL instead of the stylesheet's, and the browser logs that request's 404.
        options["preload"] = False
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(Axe().axe_script)
    page.evaluate(_AXE_START, options)
    page.wait_for_function("() => window.__axeOutcome !== null", timeout=timeout_ms)
    outcome = page.evaluate("() => window.__axeOutcome")
    assert "error" not in outcome, f"axe-core failed: {outcome['error']}"
    results = AxeResults(outcome["results"])
    assert results.violations_count == 0, results.generate_report()
