"""The accessibility check itself: it finds a violation, and it cannot stall the run."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

UNLABELLED_FIELD = (
    '<html lang="sv"><head><title>Prov</title></head>'
    '<body><main><h1>Prov</h1><input type="text"></main></body></html>'
)


def test_an_unlabelled_field_fails_the_check(page):
    page.set_content(UNLABELLED_FIELD)
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)


def test_an_axe_run_that_never_ends_fails_within_the_timeout(page):
    page.set_content(UNLABELLED_FIELD)
    page.evaluate("() => { window.axe = {run: () => new Promise(() => {})}; }")
    with pytest.raises(PlaywrightTimeoutError):
        assert_accessible(page, timeout_ms=500)
