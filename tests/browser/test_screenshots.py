"""Screenshots of every role's main pages over demo data (`make screenshots` renews them).

In the test run they go to a temporary folder; `make screenshots` sets SCREENSHOTS_DIR to
docs/screenshots.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from casework.models import Participant
from tests.browser.conftest import assert_accessible

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

PAGES = [
    ("coordinator-queue.png", "/aktualiseringar/"),
    ("coordinator-referral-form.png", "/aktualiseringar/ny/"),
    ("coordinator-overview.png", "/aktualiseringar/oversikt/"),
    ("coordinator-waiting-list.png", "/aktualiseringar/vantelista/"),
    ("coordinator-unassigned.png", "/arenden/utan-coach/"),
    ("coordinator-move-caseload.png", "/arenden/flytta-arenden/"),
]


def log_in(page, username: str) -> None:
    page.goto("/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", username)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def shoot(page, out: Path, name: str) -> None:
    assert_accessible(page)
    page.screenshot(path=str(out / name), full_page=True)
    assert (out / name).stat().st_size > 10_000


@pytest.fixture
def out(tmp_path, page):
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo", i_know=True, stdout=io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    return folder


def test_coordinator_pages_over_demo_data(page, out):
    log_in(page, "demo-coordinator")
    page.wait_for_url("**/aktualiseringar/")
    for name, url in PAGES:
        page.goto(url)
        if url == "/aktualiseringar/":
            page.click("main details summary")
        shoot(page, out, name)
        # Nothing wider than the 1,280 px window (the capacity table was 1,402 px).
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, url
    page.goto("/aktualiseringar/ny/")
    page.fill("#id_personnummer", "19900517-1234")
    page.wait_for_selector("#personnummer-status .error")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    shoot(page, out, "coordinator-referral-errors.png")


def test_coach_pages_over_demo_data(page, out):
    log_in(page, "demo-coach")
    page.wait_for_url("**/arenden/")
    shoot(page, out, "coach-caseload.png")
    page.click("main table tbody tr a")
    page.wait_for_selector("main h1")
    shoot(page, out, "coach-participant.png")
    name = page.inner_text("main h1")
    page.fill("#header-search-q", name.split()[0])
    page.locator("form.header-search button").click()
    page.wait_for_selector("#search-results")
    shoot(page, out, "coach-search.png")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_selector("#login-again")
    shoot(page, out, "logged-out.png")


def test_manager_and_auditor_pages_over_demo_data(page, out):
    log_in(page, "demo-manager")
    page.goto("/indikatorer/")
    shoot(page, out, "manager-indicators.png")
    page.context.clear_cookies()
    log_in(page, "demo-auditor")
    page.goto("/granskning/atkomstlogg/")
    shoot(page, out, "auditor-access-log.png")
    person = Participant.objects.filter(
        skyddad_identitet=False, cases__unit__code="nykoping-jobbtorg", cases__coach__isnull=False
    ).first()
    page.goto(f"/granskning/deltagare/{person.pk}/historik/")
    shoot(page, out, "auditor-history.png")
    page.get_by_role("link", name="Registerutdrag", exact=True).click()
    page.wait_for_selector("#toc-heading")
    shoot(page, out, "auditor-register-extract.png")
