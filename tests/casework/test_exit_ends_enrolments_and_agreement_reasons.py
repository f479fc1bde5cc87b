"""The exit closes open enrolments on its date (000 §4.4); Sikta's ways on are offered where
the agreement names them (003); an exit before Bromodellen's minimum needs a reason (002 §5)."""

from datetime import date

import pytest

from casework import rules
from casework.models import EnrolmentEnd
from casework.rules import CaseRuleError
from casework.services import case_exit, case_start_insats
from tests.factories import UserFactory, make_pnr, unit

from .history import case_of, ev, indicators, load, person, tertial

pytestmark = pytest.mark.django_db


def test_an_exit_ends_the_open_enrolment_on_the_exit_date():
    pnr = person()
    rows = [
        ev(pnr, "aktualisering", "2026-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2026-01-02"),
        ev(pnr, "jobbsok", "2026-01-05"),
        ev(pnr, "kompetens_start", "2026-01-10", "SFI"),
        ev(pnr, "avslut", "2026-03-01", "STUDIER"),
    ]
    assert load(rows).ok
    end = EnrolmentEnd.objects.get(case=case_of(pnr))
    assert end.effective_on == date(2026, 3, 1)
    assert indicators(*tertial(2026, 1))["AKT5"]["total"] == 1
    assert indicators(*tertial(2026, 2))["AKT5"]["total"] == 0
    assert indicators(*tertial(2026, 2))["UT5"]["total"] == 0


def test_an_enrolment_cannot_end_after_the_exit_ended_it():
    pnr = person()
    rows = [
        ev(pnr, "aktualisering", "2026-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2026-01-02"),
        ev(pnr, "jobbsok", "2026-01-05"),
        ev(pnr, "kompetens_start", "2026-01-10", "SFI"),
        ev(pnr, "avslut", "2026-03-01", "STUDIER"),
        ev(pnr, "kompetens_slut", "2026-04-01", "SFI"),
    ]
    result = load(rows)
    assert not result.ok and result.errors[0].line == 7


@pytest.mark.parametrize("code", ["FORSTARKT_SAMARBETE", "KOMMUNAL_AME"])
def test_sikta_exits_to_its_own_ways_on_and_jobbtorg_does_not(code):
    sikta, jobbtorg = person(), person()
    ok = [
        ev(sikta, "aktualisering", "2026-01-02", "INGEN", program="SIKTA"),
        ev(sikta, "kartlaggning", "2026-01-05", program="SIKTA"),
        ev(sikta, "avslut", "2026-03-01", code, program="SIKTA"),
    ]
    assert load(ok).ok
    assert case_of(sikta, "SIKTA").exit_reason == code
    refused = [
        ev(jobbtorg, "aktualisering", "2026-01-02", "EB_ARBETSLOSHET"),
        ev(jobbtorg, "avslut", "2026-01-03", code),
    ]
    result = load(refused, "jobbtorg.csv")
    assert not result.ok and "finns inte i programmet JOBBTORG" in result.errors[0].reason


def test_the_exit_form_offers_sikta_reasons_only_in_sikta(ready_case):
    assert "FORSTARKT_SAMARBETE" not in rules.exit_reason_codes(
        ready_case, ["ARBETE", "FORSTARKT_SAMARBETE"]
    )


@pytest.fixture
def bromo_case(db):
    from programmes.models import Programme
    from referrals.services import referral_register

    arena = unit("linkoping-arena")
    koordinator = UserFactory(username="koordinator", roles=["coordinator"], units=[arena])
    case = referral_register(
        personnummer_value=make_pnr(date(1990, 1, 1), 411), gender="M",
        programme=Programme.objects.get(code="BROMODELLEN"), unit=arena, on=date(2026, 1, 2),
        income_support="INGEN", baseline_step=1, by=koordinator,
    )  # fmt: skip
    case_start_insats(
        case_id=case.pk, insats="arbetstraning", on=date(2026, 2, 1), by=koordinator,
        planned_end=date(2026, 10, 1), min_end=date(2026, 5, 1),
    )  # fmt: skip
    return case, koordinator


def test_an_exit_before_the_minimum_needs_a_reason_and_is_flagged(bromo_case):
    case, by = bromo_case
    with pytest.raises(CaseRuleError, match="minsta tiden 2026-05-01"):
        case_exit(case_id=case.pk, on=date(2026, 4, 30), reason_code="AVBROTT", by=by)
    case_exit(
        case_id=case.pk, on=date(2026, 4, 30), reason_code="AVBROTT", by=by, reason="Flyttade"
    )
    assert rules.early_exit(case) == date(2026, 5, 1)


def test_an_exit_on_the_minimum_needs_no_reason(bromo_case):
    case, by = bromo_case
    case_exit(case_id=case.pk, on=date(2026, 5, 1), reason_code="ARBETE", by=by)
    assert rules.early_exit(case) is None


def test_only_bromodellen_sets_a_minimum(ready_case, coordinator):
    with pytest.raises(CaseRuleError, match="ingen minsta tid"):
        case_start_insats(
            case_id=ready_case.pk, insats="jobbsok", on=date(2026, 1, 5), by=coordinator,
            min_end=date(2026, 3, 1),
        )  # fmt: skip
