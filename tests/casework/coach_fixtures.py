"""Cases for the coach's workspace tests, built through the services like real use."""

__all__ = ["coach_case", "make_coach_case"]

from datetime import date

import pytest

from casework.services import case_assign_coach, case_start_insats


@pytest.fixture
def coach_case(ready_case, coordinator, coach):
    """A Jobbtorg case in kartläggning since 2026-01-05, assigned to `coach`."""
    case_assign_coach(case_id=ready_case.pk, coach=coach, by=coordinator)
    case_start_insats(
        case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
    )
    ready_case.refresh_from_db()
    return ready_case


@pytest.fixture
def make_coach_case(refer, coordinator, coach):
    """Any number of assigned cases in kartläggning for `coach`."""
    from casework.services import samrad_record

    def _make(on=date(2026, 1, 5), **kwargs):
        case = refer(**kwargs)
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
        case_start_insats(case_id=case.pk, insats="kartlaggning", on=on, by=coordinator)
        case.refresh_from_db()
        return case

    return _make
