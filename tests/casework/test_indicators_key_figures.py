"""K3–K6 of seed 001 at their boundaries, with exact numbers (docs/indicators.md)."""

from datetime import date

import pytest

from casework.indicators import periods, report
from casework.rules import CaseRuleError
from casework.work_check import work_check_record
from programmes.models import Programme, ProgrammeBudget
from tests.casework.indicator_journal import T1_2026, Journal
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def j():
    return Journal()


def key(code: str, **kwargs) -> dict:
    return report.build(T1_2026, **kwargs)["indicators"][code]


def _exited(j, reason: str, on: date, gender="K", **facts):
    case = j.refer(date(2026, 1, 12), gender=gender)
    j.start(case, "jobbsok", date(2026, 1, 19))
    j.exit(case, on, reason, **facts)
    return case


def test_k3_counts_work_only_after_its_one_month_check_and_studies_only_with_studiemedel(j):
    work = _exited(j, "ARBETE", date(2026, 3, 2), employment_form="reguljar")
    _exited(j, "STUDIER", date(2026, 3, 2), gender="M", studiemedel=True)
    _exited(j, "STUDIER", date(2026, 3, 3), gender="M", studiemedel=False)
    _exited(j, "ARBETE", date(2026, 3, 4), employment_form="kommunal_ama")
    # Before the check: 1 of 4 exits (the studies with studiemedel); the work is pending.
    assert key("K3") == {"total": 25.0, "K": 0.0, "M": 50.0, "X": None, "pending": 1}
    with pytest.raises(CaseRuleError):  # a month after 2 March is 2 April
        work_check_record(case_id=work.pk, on=date(2026, 4, 1), lasted_month=True, by=j.user)
    work_check_record(case_id=work.pk, on=date(2026, 4, 2), lasted_month=True, by=j.user)
    assert key("K3") == {"total": 50.0, "K": 50.0, "M": 50.0, "X": None, "pending": 0}
    with pytest.raises(CaseRuleError):  # one check per exit
        work_check_record(case_id=work.pk, on=date(2026, 4, 3), lasted_month=False, by=j.user)


def test_k3_work_that_did_not_last_a_month_or_subsidised_work_that_did(j):
    short = _exited(j, "ARBETE", date(2026, 2, 27), employment_form="reguljar")
    subsidised = _exited(j, "ARBETE", date(2026, 2, 28), employment_form="subventionerad")
    work_check_record(case_id=short.pk, on=date(2026, 3, 27), lasted_month=False, by=j.user)
    work_check_record(case_id=subsidised.pk, on=date(2026, 3, 28), lasted_month=True, by=j.user)
    assert key("K3") == {"total": 50.0, "K": 50.0, "M": None, "X": None, "pending": 0}
    # The check is about the exit in T1; T2's report has no exits.
    assert report.build(periods.tertial(2026, 2))["indicators"]["K3"]["total"] is None


def test_an_employment_form_on_a_studies_exit_is_refused_and_nothing_is_written(j):
    case = j.refer(date(2026, 1, 12))
    with pytest.raises(CaseRuleError, match="Anställningsform anges bara"):
        j.exit(case, date(2026, 2, 2), "STUDIER", employment_form="reguljar")
    case.refresh_from_db()
    assert case.state == "aktualisering"


def test_k4_k5_prorate_the_years_budget_over_the_tertials_days(j):
    cases = [j.refer(date(2026, 1, 12), gender=g) for g in "KMK"]
    for case in cases:
        j.start(case, "jobbsok", date(2026, 1, 19))
    j.exit(cases[0], date(2026, 3, 2), "ARBETE", employment_form="reguljar")
    j.exit(cases[1], date(2026, 3, 2), "STUDIER", studiemedel=False)
    jobbtorg = [Programme.objects.get(code="JOBBTORG").pk]
    data = report.build(T1_2026, programme_ids=jobbtorg, programme_code="JOBBTORG")
    # Seed 000 §3: 16 735 tkr for 2026; T1 is 120 of 365 days: 5 501 917.81 kr.
    k4, k5 = data["indicators"]["K4"], data["indicators"]["K5"]
    assert k4 == {"total": 1_833_973, "K": None, "M": None, "X": None, "budget": 5_501_918}
    assert k5 == {"total": 2_750_959, "K": None, "M": None, "X": None, "budget": 5_501_918}


def test_k4_is_prorated_by_days_over_two_years_of_different_budgets(j):
    case = j.refer(date(2025, 12, 1))
    j.start(case, "jobbsok", date(2025, 12, 2))
    programme = Programme.objects.get(code="JOBBTORG")
    ProgrammeBudget.objects.create(programme=programme, year=2025, amount_kr=3_650_000)
    period = periods.Period(date(2025, 12, 22), date(2026, 1, 10))  # 10 + 10 days
    data = report.build(period, programme_ids=[programme.pk])
    # 3 650 000 x 10/365 + 16 735 000 x 10/365 = 100 000 + 458 493.15
    assert data["indicators"]["K4"]["total"] == 558_493
    assert data["indicators"]["K5"]["total"] is None  # no exit to work or studies


def test_k4_is_null_without_a_budget_for_every_programme_or_for_one_unit(j):
    case = j.refer(date(2026, 1, 12))
    j.start(case, "jobbsok", date(2026, 1, 19))
    # All programmes: Järfälla's has no budget, so no honest cost per participant.
    assert key("K4")["total"] is None
    jobbtorg = Programme.objects.get(code="JOBBTORG").pk
    assert key("K4", programme_ids=[jobbtorg])["total"] == 5_501_918
    one_unit = key("K4", programme_ids=[jobbtorg], unit_ids=[unit().pk])
    assert one_unit["total"] is None and one_unit["budget"] is None


def test_k6_counts_persons_with_a_baseline_whose_latest_step_in_p_is_higher(j):
    from casework.services import assessment_record

    up = j.refer(date(2026, 1, 12), baseline_step=2)
    same = j.refer(date(2026, 1, 12), gender="M", baseline_step=3)
    none = j.refer(date(2026, 1, 12), gender="M")  # no baseline: in neither part
    for case in (up, same, none):
        j.start(case, "jobbsok", date(2026, 1, 19))
    assessment_record(case_id=up.pk, step=3, on=date(2026, 2, 1), by=j.user)
    assessment_record(case_id=same.pk, step=4, on=date(2026, 2, 1), by=j.user)
    assessment_record(case_id=same.pk, step=3, on=date(2026, 4, 1), by=j.user)  # latest
    assessment_record(case_id=none.pk, step=5, on=date(2026, 2, 1), by=j.user)
    assert key("K6") == {"total": 50.0, "K": 100.0, "M": 0.0, "X": None}
    # An assessment after P does not count in P.
    assessment_record(case_id=same.pk, step=5, on=date(2026, 5, 4), by=j.user)
    assert key("K6")["total"] == 50.0
    assert report.build(periods.tertial(2026, 2))["indicators"]["K6"]["M"] == 100.0
