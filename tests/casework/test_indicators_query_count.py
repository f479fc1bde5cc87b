"""A report is a fixed number of SQL queries, whatever the number of participants."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.indicators import report
from casework.indicators.periods import tertial
from casework.models import Case, Participant, Transition
from casework.projections import refresh_spells
from programmes.models import Programme
from tests.factories import make_pnr, unit, workplace

pytestmark = pytest.mark.django_db
P = tertial(2026, 1)


def _bulk_journal(count: int, offset: int) -> None:
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
    referred = date(2026, 1, 5)
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
                                   effective_on=date(2026, 3, 1)))  # fmt: skip
    Transition.objects.bulk_create(rows)
    refresh_spells(case.pk for case in cases)  # what every writer of transitions does


def _queries_for_report() -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = report.build(P)
    return len(captured.captured_queries), data


def test_the_query_count_is_the_same_for_10_and_1000_participants():
    _bulk_journal(10, 0)
    small, data = _queries_for_report()
    assert data["indicators"]["AKT4"]["total"] == 10
    _bulk_journal(990, 10)
    large, data = _queries_for_report()
    assert data["indicators"]["AKT4"]["total"] == 1000
    assert data["indicators"]["UT2"]["total"] == 500
    assert small == large == 2
