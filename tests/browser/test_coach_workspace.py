"""A coach moves a participant through the programme in real headless Chromium (issue 5).

kartläggning → arbetsträning → extension → arbetspraktik at a municipal workplace → exit to
work; each step shows on the timeline, an extension beyond the rule is refused with its
reason, and the caseload and participant pages pass axe-core (W1, W2, AX1).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.services import case_assign_coach, case_start_insats, samrad_record
from programmes.models import Programme
from referrals.services import referral_register
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, make_pnr, unit, workplace

pytestmark = pytest.mark.django_db(transaction=True)


def days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


@pytest.fixture
def people(seeded):
    coordinator = UserFactory(roles=["coordinator"], units=[unit()])
    coach = UserFactory(roles=["coach"], units=[unit()], first_name="Cecilia", last_name="Coach")
    return coordinator, coach


@pytest.fixture
def case_in_kartlaggning(people):
    coordinator, coach = people
    start = timezone.localdate() - timedelta(days=40)
    case = referral_register(
        personnummer_value=make_pnr(start.replace(year=1990), 990),
        gender="K",
        programme=Programme.objects.get(code="JOBBTORG"),
        unit=unit(),
        on=start,
        income_support="EB_ARBETSLOSHET",
        by=coordinator,
        first_name="Astrid",
        last_name="Deltagare",
    )
    samrad_record(case_id=case.pk, on=start, by=coordinator)
    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=start, by=coordinator)
    workplace(kommunal=True)
    workplace(kommunal=False)
    return case


def open_action(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_selector("#action-heading")


def save(page) -> None:
    page.locator("#action-panel").get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")


def timeline(page) -> str:
    return page.inner_text("ol.timeline")


def test_coach_moves_a_participant_to_work(page, login, people, case_in_kartlaggning):
    _coordinator, coach = people
    login(page, coach)
    page.goto("/arenden/")
    assert "Astrid Deltagare" in page.inner_text("#caseload")
    assert_accessible(page)
    page.get_by_role("link", name="Astrid Deltagare").first.click()
    assert "Kartläggning och individuell planering" in page.inner_text("#case-state")

    open_action(page, "Starta arbetsträning")
    assert "inte i framtiden" in page.inner_text("#action-panel")
    assert_accessible(page)  # with an open form
    page.fill("#id_on", days_ago(30))
    save(page)
    assert "Startade arbetsträning" in timeline(page)
    assert "Arbetsträning" in page.inner_text("#case-state")

    open_action(page, "Förläng insatsen")
    page.fill("#id_on", days_ago(20))
    page.fill("#id_reason", "Behöver längre tid på arbetsplatsen")
    save(page)
    assert "Förlängning av arbetsträning med 6 månader" in timeline(page)
    assert "1 av 1 använda" in page.inner_text("main")

    open_action(page, "Förläng insatsen")
    page.fill("#id_on", days_ago(15))
    page.fill("#id_reason", "En gång till")
    save(page)
    summary = page.locator("#error-summary")
    assert "Insatsen är redan förlängd 1 gång av högst 1." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(page)  # with an error message
    assert timeline(page).count("Förlängning av arbetsträning") == 1

    open_action(page, "Starta arbetspraktik")
    page.fill("#id_on", days_ago(10))
    page.select_option("#id_workplace", label="Kommunens parkförvaltning (kommunal verksamhet)")
    save(page)
    assert "Startade arbetspraktik" in timeline(page)
    assert "Kommunens parkförvaltning (kommunal verksamhet)" in timeline(page)

    open_action(page, "Avsluta ärendet")
    page.select_option("#id_reason_code", value="ARBETE")
    page.select_option("#id_employment_form", value="reguljar")
    save(page)
    assert "Avslutad: Arbete" in timeline(page)
    assert "Avslutad" in page.inner_text("#case-state")
    assert_accessible(page)


def test_field_error_is_linked_and_accessible(page, login, people, case_in_kartlaggning):
    _coordinator, coach = people
    login(page, coach)
    page.goto(f"/arenden/{case_in_kartlaggning.pk}/")
    open_action(page, "Skriv anteckning")
    page.fill("#id_on", days_ago(-1))
    save(page)
    assert "ligger i framtiden" in page.inner_text("#error-summary")
    described = page.get_attribute("#id_on", "aria-describedby")
    assert "id_on-error" in described and "ligger i framtiden" in page.inner_text("#id_on-error")
    assert_accessible(page)
