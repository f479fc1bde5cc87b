"""Effective dates: back-dating allowed, never into the future or before the previous event."""

from datetime import date

import pytest
import time_machine

from casework.models import Transition
from casework.rules import CaseRuleError
from casework.services import case_start_insats, note_add


@time_machine.travel(date(2026, 3, 1), tick=False)
def test_future_date_refused(ready_case, coordinator):
    with pytest.raises(CaseRuleError, match="framtiden"):
        case_start_insats(
            case_id=ready_case.pk, insats="jobbsok", on=date(2026, 3, 2), by=coordinator
        )


@time_machine.travel(date(2026, 3, 1), tick=False)
def test_today_and_back_dating_allowed(ready_case, coordinator):
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 2, 1), by=coordinator)
    note_add(case_id=ready_case.pk, text="Idag", on=date(2026, 3, 1), by=coordinator)


def test_date_before_the_previous_event_refused(ready_case, coordinator):
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 2, 10), by=coordinator)
    with pytest.raises(CaseRuleError, match="senaste händelse"):
        case_start_insats(
            case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 2, 9), by=coordinator
        )
    assert Transition.objects.filter(case=ready_case).count() == 2


def test_same_day_as_the_previous_event_allowed(ready_case, coordinator):
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 2, 10), by=coordinator)
    case_start_insats(
        case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 2, 10), by=coordinator
    )


def test_date_before_the_referral_refused(refer, coordinator):
    case = refer(on=date(2026, 1, 10))
    with pytest.raises(CaseRuleError, match="före aktualiseringen"):
        note_add(case_id=case.pk, text="x", on=date(2026, 1, 9), by=coordinator)
