"""A report is a fixed number of SQL queries, whatever the number of participants."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.indicators import board, report, summary
from casework.indicators.periods import same_period_last_year, tertial
from casework.models import Case, Participant, Transition
from casework.projections import refresh_spells
from programmes.models import Programme
from tests.factories import make_pnr, unit, workplace

pytestmark = pytest.mark.django_db
P = tertial(2026, 1)


def _bulk_journal(count: int, offset: int, year: int = 2026) -> None:
    """`count` persons, each referred, in an insats and some exited, as journal rows."""
    programme = Programme.objects.get(code="JOBBTORG")
    born = date(1980, 1, 1)
    people = Participant.objects.bulk_create(
        Participant(
            personnummer=make_pnr(born + timedelta(days=(offset + i) // 900), (offset + i) % 900),
            birth_date=born + timedelta(days=(offset + i) // 900),
            gender="KMX"[i % 3],
        )
        for i in range(count)
    )
    referred = date(year, 1, 5)
    cases = Case.objects.bulk_create(
        Case(
            participant=person,
            programme=programme,
            unit=unit(),
            referred_on=referred,
            income_support="EB_ARBETSLOSHET",
            age_at_referral=30,
            state_since=referred,
            last_event_on=referred,
        )
        for person in people
    )
    place = workplace()
    rows = []
    for i, case in enumerate(cases):
        rows.append(Transition(case=case, seq=1, from_state="", to_state="aktualisering",
                               effective_on=referred))  # fmt: skip
        rows.append(Transition(case=case, seq=2, from_state="aktualisering",
                               to_state="anstallning", workplace=place,
                               effective_on=referred + timedelta(days=i % 20)))  # fmt: skip
        if i % 2:
            rows.append(Transition(case=case, seq=3, from_state="anstallning",
                                   to_state="avslutad", exit_reason="ARBETE",
                                   effective_on=date(year, 3, 1)))  # fmt: skip
    Transition.objects.bulk_create(rows)
    refresh_spells(case.pk for case in cases)  # what every writer of transitions does


def _queries_for_report(**kwargs) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = report.build(P, **kwargs)
    return len(captured.captured_queries), data


# The counts with the breakdowns, K2, K3/K6, the budgets (programmes and their budgets)
# and the survey (responses and answers).
QUERIES = 7
# A report of all programmes, or of one, first asks which of its tertials have a summary
# (ADR 0112); a unit's or a municipality's report has none.
SUMMARY_LOOKUP = 1
# Last year beside it: its counts with breakdowns, K2 and K3/K6; the budgets of both
# years come from the same two queries, and the survey is of this period only.
PREVIOUS_YEAR = 3


def test_the_query_count_is_the_same_for_10_and_1000_participants():
    _bulk_journal(10, 0)
    small, data = _queries_for_report()
    assert data["indicators"]["AKT4"]["total"] == 10
    _bulk_journal(990, 10)
    large, data = _queries_for_report()
    assert data["indicators"]["AKT4"]["total"] == 1000
    assert data["indicators"]["UT2"]["total"] == 500
    assert small == large == QUERIES + SUMMARY_LOOKUP


def test_a_tertial_with_a_summary_is_as_many_queries_at_10_and_1000_participants():
    """Its counts and K3/K6 are one statement, whether the persons are kept or marked."""
    _bulk_journal(10, 0)
    summary.build(P)
    small, data = _queries_for_report()
    assert data["indicators"]["AKT4"]["total"] == 10
    _bulk_journal(990, 10)  # marked by the triggers, derived in the report's statement
    marked, data = _queries_for_report()
    assert data["indicators"]["AKT4"]["total"] == 1000
    assert data["indicators"]["UT2"]["total"] == 500
    summary.clean()
    large, cleaned = _queries_for_report()
    assert cleaned["indicators"] == data["indicators"]
    assert small == marked == large == QUERIES + SUMMARY_LOOKUP - 1


def test_the_new_figures_take_the_same_queries_for_10_and_1000_participants():
    jobbtorg = [Programme.objects.get(code="JOBBTORG").pk]
    _bulk_journal(10, 0)
    small, data = _queries_for_report(programme_ids=jobbtorg)
    assert data["breakdowns"]["age_bands"]["25-54"]["indicators"]["AKT4"]["total"] == 10
    assert data["indicators"]["K3"] == {"total": 0.0, "K": 0.0, "M": 0.0, "X": 0.0, "pending": 0}
    _bulk_journal(990, 10)
    large, data = _queries_for_report(programme_ids=jobbtorg)
    bands = data["breakdowns"]["age_bands"]
    assert bands["25-54"]["indicators"]["AKT4"] == {"total": 1000, "K": 334, "M": 333, "X": 333}
    assert bands["55-64"]["indicators"]["AKT4"]["total"] == 0
    assert data["indicators"]["K3"]["total"] == 0.0  # exits to work without a form
    # 16 735 000 x 120/365 over 1 000 participants, and over 500 exits to work.
    assert data["indicators"]["K4"]["total"] == 5_502
    assert data["indicators"]["K5"]["total"] == 11_004
    assert small == large == QUERIES + SUMMARY_LOOKUP
    # A unit's report has no budget to read (K4/K5 are null) and no summary: three fewer.
    of_unit, data = _queries_for_report(programme_ids=jobbtorg, unit_ids=[unit().pk])
    assert data["indicators"]["AKT4"]["total"] == 1000 and data["indicators"]["K4"]["total"] is None
    assert of_unit == QUERIES + SUMMARY_LOOKUP - 3


def _queries_for_board(**kwargs) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = board.with_previous_year(P, **kwargs)
    return len(captured.captured_queries), data


def test_last_year_beside_the_report_adds_three_queries_at_10_and_1000_participants():
    """A fixed number of queries more, whatever is in either year."""
    _bulk_journal(10, 0)
    _bulk_journal(10, 10, year=2025)
    small, data = _queries_for_board()
    assert data["indicators"]["AKT4"]["total"] == 10 + 5  # last year's not exited
    assert data["previous_year"]["indicators"]["AKT4"]["total"] == 10
    assert data["previous_year"]["indicators"]["UT2"]["total"] == 5
    _bulk_journal(980, 20)
    _bulk_journal(990, 1000, year=2025)
    large, data = _queries_for_board()
    assert data["indicators"]["UT2"]["total"] == 495
    assert data["previous_year"]["indicators"]["UT2"]["total"] == 500
    assert data["previous_year"]["period"] == {"start": "2025-01-01", "end": "2025-04-30"}
    assert small == large == QUERIES + SUMMARY_LOOKUP + PREVIOUS_YEAR
    alone, _data = _queries_for_report()
    assert alone == QUERIES + SUMMARY_LOOKUP


def test_last_year_computed_beside_this_year_is_last_years_own_report():
    """Last year beside this year is exactly last year's own report."""
    _bulk_journal(30, 0)
    _bulk_journal(40, 30, year=2025)
    jobbtorg = [Programme.objects.get(code="JOBBTORG").pk]
    both = board.with_previous_year(P, programme_ids=jobbtorg)
    this_year = report.build(P, programme_ids=jobbtorg)
    last_year = report.build(same_period_last_year(P), programme_ids=jobbtorg)
    assert both["indicators"] == this_year["indicators"]
    assert both["breakdowns"] == this_year["breakdowns"]
    assert both["previous_year"]["indicators"] == last_year["indicators"]
    assert both["previous_year"]["breakdowns"] == last_year["breakdowns"]
    assert last_year["indicators"]["UT5"]["total"] == 40
    assert both["indicators"]["UT5"]["total"] == 30 + 20  # and last year's not exited
