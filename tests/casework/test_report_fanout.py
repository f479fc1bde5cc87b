"""A report's statements run at once on connections of their own (PostgreSQL, outside a
transaction), and the report is the same as when they run one after another."""

import threading
from datetime import date

import pytest
from django.db import transaction

from casework.indicators import board, queries
from casework.indicators.periods import tertial
from casework.services import case_exit, case_start_insats, samrad_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]
P = tertial(2026, 1)


@pytest.fixture
def threads_of_k2(monkeypatch):
    """The names of the threads that ran K2's statement."""
    names: list[str] = []
    median_rows = queries.median_rows

    def recorded(*args, **kwargs):
        names.append(threading.current_thread().name)
        return median_rows(*args, **kwargs)

    monkeypatch.setattr(queries, "median_rows", recorded)
    return names


@pytest.fixture
def cases(refer, coordinator):
    for day, gender in ((2, "K"), (3, "M"), (4, "X"), (5, "K")):
        case = refer(on=date(2026, 1, day), gender=gender)
        samrad_record(case_id=case.pk, on=date(2026, 1, day), by=coordinator)
        case_start_insats(
            case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 10 + day), by=coordinator
        )
        if day % 2:
            case_exit(case_id=case.pk, on=date(2026, 3, day), reason_code="ARBETE", by=coordinator)


def test_the_board_report_is_the_same_at_once_and_one_after_another(cases, settings, threads_of_k2):
    settings.REPORT_CONNECTIONS = 1
    alone = board.build_board(P, today=date(2026, 6, 1))
    assert threads_of_k2 == [threading.current_thread().name] * 2

    settings.REPORT_CONNECTIONS = 2
    threads_of_k2.clear()
    together = board.build_board(P, today=date(2026, 6, 1))

    assert together == alone
    assert alone["indicators"]["UT5"] == {"total": 4, "K": 2, "M": 1, "X": 1}
    assert alone["indicators"]["UT2"]["total"] == 2
    assert len(threads_of_k2) == 2 and all(n.startswith("report") for n in threads_of_k2)


def test_the_chart_runs_its_six_tertials_at_once(cases, settings, threads_of_k2):
    settings.REPORT_CONNECTIONS = 2
    chart = board.chart(P, detail=False)
    assert chart["tertials"][-1] == "2026 T1"
    ut5 = next(s for s in chart["series"] if s["code"] == "UT5")
    assert ut5["values"]["total"] == [0, 0, 0, 0, 0, 4]
    assert len(threads_of_k2) == 6 and all(n.startswith("report") for n in threads_of_k2)


def test_inside_a_transaction_the_statements_run_in_the_callers_thread(
    cases, settings, threads_of_k2
):
    settings.REPORT_CONNECTIONS = 2
    with transaction.atomic():
        board.build_board(P, today=date(2026, 6, 1))
    assert threads_of_k2 == [threading.current_thread().name] * 2
