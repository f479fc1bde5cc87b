"""A unit's first week in real headless Chromium, axe on every page (issue 12, acceptance).

Monday: the coordinator imports a history with open cases and no coaches and assigns them
in bulk. Tuesday: the coach finds a participant by personnummer, moves them on, logs out
and back in from the logged-out page. Later: the auditor finds the reads by personnummer
and a Swedish date, and downloads the register extract as PDF.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import Case, CoachAssignment
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, make_pnr, unit

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Första-veckan-2026"
NAMES = [("Alva", "Ek"), ("Bengt", "Björk"), ("Cissi", "Lönn")]


def history(start) -> tuple[list[dict], list[str]]:
    rows, pnrs = [], []
    for i, (first, last) in enumerate(NAMES):
        pnr = make_pnr(start.replace(year=1988 + i), 700 + i)
        pnrs.append(pnr)
        person = {"personnummer": pnr, "kon": "K", "program": "JOBBTORG"}
        steps = [
            ("aktualisering", 0, "EB_ARBETSLOSHET"),
            ("samrad", 2, ""),
            ("kartlaggning", 5, ""),
        ]
        for kind, days, detail in steps[: 1 + i]:
            row = {**person, "handelse": kind, "datum": (start + timedelta(days=days)).isoformat()}
            rows.append(
                row | {"detalj": detail, "fornamn": first, "efternamn": last, "kalla": "SOC"}
            )
    return rows, pnrs


@pytest.fixture
def week(seeded):
    coordinator = UserFactory(roles=["coordinator"], units=[unit()])
    coach = UserFactory(
        username="cecilia", roles=["coach"], units=[unit()], first_name="Cecilia", last_name="Coach"
    )
    coach.set_password(PASSWORD)
    coach.save()
    auditor = UserFactory(roles=["auditor"], units=[unit()])
    start = timezone.localdate() - timedelta(days=30)
    rows, pnrs = history(start)
    result = run_import(to_csv(rows), filename="historik.csv", user=coordinator, unit=unit())
    assert result.errors == [] and Case.objects.filter(coach=None).count() == 3
    return coordinator, coach, auditor, pnrs


def test_first_week_from_import_to_register_extract(page, login, week, live_server):
    coordinator, coach, auditor, pnrs = week

    # Monday: bulk assignment of the imported, coachless cases.
    login(page, coordinator)
    page.goto("/arenden/utan-coach/")
    assert "3 öppna ärenden utan coach" in page.inner_text("#unassigned")
    assert_accessible(page)
    for box in page.locator("#unassigned input[type=checkbox]").all():
        box.check()
    page.select_option("#id_coach", label="Cecilia Coach")
    page.get_by_role("button", name="Tilldela vald coach").click()
    assert "3 ärenden har fått coach." in page.inner_text("main")
    assert "Alla öppna ärenden har en coach." in page.inner_text("main")
    assert_accessible(page)
    assert CoachAssignment.objects.filter(to_coach=coach).count() == 3
    page.context.clear_cookies()

    # Tuesday: the coach finds Cissi by personnummer and starts arbetsträning.
    login(page, coach)
    page.goto("/")
    pnr = pnrs[2]
    page.fill("#header-search-q", f"{pnr[:8]}-{pnr[8:]}")
    page.locator("form.header-search button").click()
    assert "1 träff" in page.inner_text("#search-results")
    assert_accessible(page)
    page.get_by_role("link", name="Cissi Lönn").click()
    assert_accessible(page)
    page.get_by_role("button", name="Starta arbetsträning", exact=True).click()
    page.wait_for_selector("#action-heading")
    page.locator("#action-panel").get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert "Arbetsträning" in page.inner_text("#case-state")
    page.get_by_role("button", name="Logga ut").click()
    assert "Du är utloggad" in page.inner_text("main")
    assert "/admin/" not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Logga in igen").click()
    assert page.url.endswith("/konto/logga-in/")
    page.fill("#id_username", "cecilia")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    assert page.url.endswith("/arenden/")
    assert "Cissi Lönn" in page.inner_text("#caseload")
    page.context.clear_cookies()

    # Later: the auditor reviews the reads and hands over the register extract.
    login(page, auditor)
    today = timezone.localdate().isoformat()
    page.goto("/granskning/atkomstlogg/?date_to=01/12/2026")
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in page.inner_text("#error-summary")
    assert_accessible(page)
    page.goto("/granskning/atkomstlogg/")
    page.fill("#id_participant", f"{pnr[:8]}-{pnr[8:]}")
    page.fill("#id_date_from", today)
    page.fill("#id_date_to", today)
    page.get_by_role("button", name="Filtrera").click()
    log = page.inner_text("#access-log")
    assert "Sökning" in log and "Deltagarsidan" in log and "Cecilia Coach" in log
    assert_accessible(page)
    page.goto("/granskning/registerutdrag/")
    page.fill("#id_personnummer", pnr)
    page.locator("main button[type=submit]").click()
    assert "Registerutdrag för Cissi Lönn" in page.inner_text("h1")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
