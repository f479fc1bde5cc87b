"""A return to arbetsträning after the 6 base months is granted the unused extension in the
same step: in the service and, as a `forlangning` on the return day, in an import."""

from datetime import date

import pytest

from casework.models import Extension
from casework.rules import CaseRuleError
from casework.services import case_start_insats

from .history import case_of, ev, load, person

pytestmark = pytest.mark.django_db


def six_months_then_jobbsok(pnr):
    return [
        ev(pnr, "aktualisering", "2025-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2025-01-02"),
        ev(pnr, "arbetstraning", "2025-01-10"),
        ev(pnr, "jobbsok", "2025-07-10"),  # 181 days of 181
    ]


def test_a_forlangning_on_the_return_day_grants_the_extension_on_return():
    pnr = person()
    rows = [
        *six_months_then_jobbsok(pnr),
        ev(pnr, "arbetstraning", "2025-09-01"),
        ev(pnr, "forlangning", "2025-09-01", "Behöver mer tid på arbetsplatsen"),
    ]
    result = load(rows)
    assert result.ok, result.errors
    assert result.applied == 6
    case = case_of(pnr)
    extension = Extension.objects.get(case=case)
    assert (extension.effective_on, extension.insats_type) == (date(2025, 9, 1), "arbetstraning")
    # 365 days from 10 Jan 2025 to 10 Jan 2026, 181 used: 184 days from 1 Sep.
    assert case.deadline == date(2026, 3, 3)


def test_a_return_without_the_extension_is_refused():
    pnr = person()
    result = load([*six_months_then_jobbsok(pnr), ev(pnr, "arbetstraning", "2025-09-01")])
    assert not result.ok
    assert "181 dagar av 181" in result.errors[0].reason


def test_a_forlangning_on_another_day_does_not_make_the_return_possible():
    pnr = person()
    rows = [
        *six_months_then_jobbsok(pnr),
        ev(pnr, "arbetstraning", "2025-09-01"),
        ev(pnr, "forlangning", "2025-09-02", "För sent"),
    ]
    result = load(rows)
    assert not result.ok and result.errors[0].line == 6


def test_the_extension_on_return_needs_a_reason_and_is_given_once(coordinator):
    pnr = person()
    assert load(six_months_then_jobbsok(pnr)).ok
    case = case_of(pnr)
    with pytest.raises(CaseRuleError, match="motivering"):
        case_start_insats(
            case_id=case.pk, insats="arbetstraning", on=date(2025, 9, 1), by=coordinator,
            extension_reason=" ",
        )  # fmt: skip
    assert Extension.objects.filter(case=case).count() == 0
    case_start_insats(
        case_id=case.pk, insats="arbetstraning", on=date(2025, 9, 1), by=coordinator,
        extension_reason="Återkommer",
    )  # fmt: skip
    case_start_insats(case_id=case.pk, insats="jobbsok", on=date(2026, 3, 4), by=coordinator)
    with pytest.raises(CaseRuleError, match="redan förlängd 1 gång av högst 1"):
        case_start_insats(
            case_id=case.pk, insats="arbetstraning", on=date(2026, 4, 1), by=coordinator,
            extension_reason="En gång till",
        )  # fmt: skip
