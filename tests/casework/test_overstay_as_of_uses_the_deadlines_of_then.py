"""OVERSTAY as of T uses the deadlines as they were at T: the extensions recorded by T
and no later ones (indicators.md OVERSTAY; the report's `as_of`)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework.indicators import queries
from casework.indicators.periods import Period
from casework.services import case_extend, spell_extend
from tests.casework.indicator_journal import Journal, cell, counts

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
BEFORE_EXTENSION = datetime(2026, 6, 15, 12, 0, tzinfo=STOCKHOLM)
AFTER_EXTENSION = datetime(2026, 7, 4, 18, 0, tzinfo=STOCKHOLM)
JULY_AFTER_DEADLINE = Period(date(2026, 7, 5), date(2026, 7, 31))
UP_TO_DEADLINE = Period(date(2026, 7, 1), date(2026, 7, 4))


@pytest.fixture
def extended_on_the_deadline(db):
    """Arbetsträning from 5 January 2026: deadline 4 July; the extension (6 months) is
    recorded on 4 July at noon, so the deadline becomes 4 January 2027."""
    journal = Journal()
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=STOCKHOLM), tick=False):
        case = journal.refer(date(2026, 1, 2), gender="M")
        journal.start(case, "arbetstraning", date(2026, 1, 5))
    with time_machine.travel(datetime(2026, 7, 4, 12, 0, tzinfo=STOCKHOLM), tick=False):
        spell_extend(
            case_id=case.pk, on=date(2026, 7, 4), reason="Behöver mer tid", by=journal.user
        )
    return case


def test_as_of_before_the_extension_the_old_deadline_gives_an_overstay(extended_on_the_deadline):
    assert counts(JULY_AFTER_DEADLINE, "OVERSTAY", as_of=BEFORE_EXTENSION) == cell(1, m=1)


def test_as_of_before_the_extension_the_deadline_day_itself_is_no_overstay(
    extended_on_the_deadline,
):
    assert counts(UP_TO_DEADLINE, "OVERSTAY", as_of=BEFORE_EXTENSION) == cell(0)


def test_today_and_as_of_after_the_extension_the_extended_deadline_holds(
    extended_on_the_deadline,
):
    assert counts(JULY_AFTER_DEADLINE, "OVERSTAY") == cell(0)
    assert counts(JULY_AFTER_DEADLINE, "OVERSTAY", as_of=AFTER_EXTENSION) == cell(0)


def test_the_drill_down_as_of_t_lists_the_person_of_the_old_deadline(extended_on_the_deadline):
    case = extended_on_the_deadline
    listed = queries.person_ids(JULY_AFTER_DEADLINE, "OVERSTAY", "M", as_of=BEFORE_EXTENSION)
    assert listed == [case.participant_id]
    assert queries.person_ids(JULY_AFTER_DEADLINE, "OVERSTAY", "M") == []


@pytest.fixture
def sikta_case_extended(db):
    """Sikta: 12 months from the first insats (2 February 2026, so last day 1 February
    2027); the case is extended by 6 months on 1 February 2027, recorded that day."""
    journal = Journal()
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=STOCKHOLM), tick=False):
        case = journal.refer(date(2026, 1, 20), gender="K", programme="SIKTA")
        journal.start(case, "kartlaggning", date(2026, 2, 2))
        journal.start(case, "jobbsok", date(2026, 3, 2))
    with time_machine.travel(datetime(2027, 2, 1, 12, 0, tzinfo=STOCKHOLM), tick=False):
        case_extend(
            case_id=case.pk, on=date(2027, 2, 1), months=6, reason="Nära jobb", by=journal.user
        )
    return case


def test_as_of_before_a_case_extension_the_case_limit_counts_after_its_old_deadline(
    sikta_case_extended,
):
    february = Period(date(2027, 2, 2), date(2027, 2, 28))
    as_of = datetime(2027, 1, 20, 12, 0, tzinfo=STOCKHOLM)
    assert counts(february, "OVERSTAY", as_of=as_of) == cell(1, k=1)
    assert counts(Period(date(2027, 1, 1), date(2027, 2, 1)), "OVERSTAY", as_of=as_of) == cell(0)
    assert counts(february, "OVERSTAY") == cell(0)
