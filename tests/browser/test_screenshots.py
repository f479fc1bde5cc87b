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


def test_agreement_pages_over_demo_data(page, out):
    """Issue 13: each seed programme's own pages (survey, providers, target groups, ladder)."""
    from django.contrib.auth.models import User

    from casework.models import Case
    from programmes.models import Programme
    from surveys.services import invitation_create

    log_in(page, "bilda-leverantor")
    page.goto("/leverantor/")
    shoot(page, out, "provider-participants.png")
    page.click("#placed tbody tr:first-child a")
    shoot(page, out, "provider-attendance.png")
    page.context.clear_cookies()
    log_in(page, "arena-coordinator")
    page.goto("/leverantor/uppfoljning/")
    shoot(page, out, "coordinator-attendance-follow-up.png")
    page.click("#placements tbody tr:first-child a[href$='/avsluta/']")
    shoot(page, out, "coordinator-placement-end.png")
    bromo = Case.objects.filter(coach__username="arena-coordinator").order_by("pk").first()
    page.goto(f"/arenden/{bromo.pk}/")
    shoot(page, out, "bromodellen-participant-steps.png")
    page.context.clear_cookies()
    log_in(page, "jarfalla-coordinator")
    page.goto("/aktualiseringar/ny/")
    shoot(page, out, "jarfalla-referral-form.png")
    jarfalla = Case.objects.filter(programme__code="AME_JARFALLA").order_by("pk").last()
    page.goto(f"/arenden/{jarfalla.pk}/")
    shoot(page, out, "jarfalla-participant-target-groups.png")
    page.context.clear_cookies()
    log_in(page, "sikta-norra-coach")
    coach = User.objects.get(username="sikta-norra-coach")
    sikta = Case.objects.filter(coach=coach).order_by("pk").first()
    page.goto(f"/enkat/arende/{sikta.pk}/")
    shoot(page, out, "coach-survey.png")
    page.goto("/enkat/paminnelser/")
    shoot(page, out, "coach-survey-reminders.png")
    page.context.clear_cookies()
    log_in(page, "demo-coordinator")
    page.goto("/enkat/resultat/")
    shoot(page, out, "coordinator-survey-results.png")
    page.context.clear_cookies()
    log_in(page, "demo-admin")
    page.goto(f"/admin/programmes/programme/{Programme.objects.get(code='JOBBTORG').pk}/change/")
    shoot(page, out, "admin-programme.png")
    page.context.clear_cookies()
    _inv, token = invitation_create(case_id=sikta.pk, occasion="inskrivning", by=coach)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/enkat/svar/{token}/")
    shoot(page, out, "participant-survey-phone.png")
