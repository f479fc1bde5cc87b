"""A coordinator logs a referral, decides and starts kartläggning in real Chromium (issue 4)."""

import pytest

from casework.models import Case
from casework.selectors import visible_cases
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, make_pnr, unit

pytestmark = pytest.mark.django_db(transaction=True)


def fill_referral(page, pnr):
    page.fill("#id_personnummer", pnr)
    page.fill("#id_first_name", "Sara")
    page.fill("#id_last_name", "Ek")
    page.select_option("#id_gender", "K")
    page.select_option("#id_source", "SOC")
    page.select_option("#id_income_support", "EB_ARBETSLOSHET")
    page.fill("#id_referral_reason", "Arbetslös, vill komma i arbete")


def test_coordinator_flow_from_referral_to_kartlaggning(page, login):
    from datetime import date

    coordinator = UserFactory(roles=["coordinator"], units=[unit()])
    coach = UserFactory(roles=["coach"], units=[unit()], first_name="Kim", last_name="Coach")
    login(page, coordinator)

    page.goto("/aktualiseringar/ny/")
    assert_accessible(page)
    fill_referral(page, "19900517-0000")
    page.wait_for_selector("#personnummer-status .error")
    assert "Kontrollsiffran stämmer inte" in page.inner_text("#personnummer-status")
    page.click("main button[type=submit]")
    assert "Kontrollsiffran stämmer inte" in page.inner_text(".error-summary")
    assert page.get_attribute("#id_personnummer", "aria-invalid") == "true"
    assert_accessible(page)

    pnr = make_pnr(date(1990, 5, 17), 444)
    page.fill("#id_personnummer", pnr)
    page.wait_for_selector("#personnummer-status .ok")
    assert "Giltigt personnummer" in page.inner_text("#personnummer-status")
    page.click("main button[type=submit]")
    page.wait_for_selector(".messages")
    assert "Aktualiseringen är registrerad" in page.inner_text(".messages")
    case = Case.objects.get()
    page.wait_for_selector(f"#case-{case.pk}")
    assert_accessible(page)

    def open_actions():
        page.click(f"#case-{case.pk} summary")

    open_actions()
    page.click(f"#case-{case.pk} form[action$='/samrad/'] button")
    assert "Samrådet är registrerat" in page.inner_text(".messages")
    open_actions()
    page.select_option(f"#coach-{case.pk}", str(coach.pk))
    page.click(f"#case-{case.pk} form[action$='/coach/'] button")
    assert "är coach för ärendet" in page.inner_text(".messages")
    open_actions()
    page.select_option(f"#insats-{case.pk}", "kartlaggning")
    page.click(f"#case-{case.pk} form[action$='/start/'] button")
    assert "har startat" in page.inner_text(".messages")
    assert_accessible(page)

    case.refresh_from_db()
    assert case.state == "kartlaggning"
    assert visible_cases(coach).filter(pk=case.pk).exists()

    page.goto("/aktualiseringar/oversikt/")
    assert "Kim Coach" in page.inner_text("main")
    assert_accessible(page)
    page.goto("/aktualiseringar/vantelista/")
    assert_accessible(page)
