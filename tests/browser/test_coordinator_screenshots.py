"""Screenshots of the coordinator pages over demo data (`make screenshots` keeps them current).

In the test run they go to a temporary folder; `make screenshots` sets SCREENSHOTS_DIR to
docs/screenshots.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.conftest import assert_accessible

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

PAGES = [
    ("coordinator-queue.png", "/aktualiseringar/"),
    ("coordinator-referral-form.png", "/aktualiseringar/ny/"),
    ("coordinator-overview.png", "/aktualiseringar/oversikt/"),
    ("coordinator-waiting-list.png", "/aktualiseringar/vantelista/"),
]


def test_coordinator_pages_over_demo_data(page, tmp_path):
    out = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/konto/logga-in/")
    page.fill("#id_username", "demo-coordinator")
    page.fill("#id_password", "demo-coordinator")
    page.click("main button[type=submit]")
    page.wait_for_url("**/aktualiseringar/")
    for name, url in PAGES:
        page.goto(url)
        if url == "/aktualiseringar/":
            page.click("main details summary")
        assert_accessible(page)
        page.screenshot(path=str(out / name), full_page=True)
        assert (out / name).stat().st_size > 10_000
    page.goto("/aktualiseringar/ny/")
    page.fill("#id_personnummer", "19900517-1234")
    page.wait_for_selector("#personnummer-status .error")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.screenshot(path=str(out / "coordinator-referral-errors.png"), full_page=True)
