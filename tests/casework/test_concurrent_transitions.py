"""Two simultaneous conflicting changes on one case: exactly one wins (Q1, Q2)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from casework.models import Case, Extension, Transition
from casework.services import case_exit, case_start_insats, spell_extend

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]


def race(*operations):
    """Run the operations in threads released together; return what each raised, or None."""
    barrier = threading.Barrier(len(operations))
    outcomes = [None] * len(operations)

    def run(i, operation):
        try:
            barrier.wait()
            operation()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, op)) for i, op in enumerate(operations)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_exits_at_once_one_wins_and_one_row_is_written(ready_case, coordinator, coach):
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 1, 5), by=coordinator)
    outcomes = race(
        lambda: case_exit(
            case_id=ready_case.pk, on=date(2026, 2, 1), reason_code="ARBETE", by=coordinator
        ),
        lambda: case_exit(
            case_id=ready_case.pk, on=date(2026, 2, 1), reason_code="STUDIER", by=coach
        ),
    )
    assert sum(o is None for o in outcomes) == 1
    loser = next(o for o in outcomes if o is not None)
    assert isinstance(loser, ValidationError)
    assert loser.messages[0]  # a Swedish reason, not a crash
    assert "avslutat" in loser.messages[0]
    assert Transition.objects.filter(case=ready_case, to_state="avslutad").count() == 1


def test_two_starts_of_the_same_insats_one_wins(ready_case, coordinator, coach):
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 1, 5), by=coordinator)
    outcomes = race(
        *[
            lambda: case_start_insats(
                case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 2, 1), by=coach
            )
        ]
        * 2
    )
    assert sum(o is None for o in outcomes) == 1
    assert Transition.objects.filter(case=ready_case, to_state="kartlaggning").count() == 1


def test_two_extensions_when_one_remains_only_one_is_granted(ready_case, coordinator, coach):
    case_start_insats(
        case_id=ready_case.pk, insats="arbetstraning", on=date(2026, 1, 5), by=coordinator
    )
    outcomes = race(
        *[
            lambda: spell_extend(
                case_id=ready_case.pk, on=date(2026, 6, 1), reason="Behöver mer tid", by=coach
            )
        ]
        * 2
    )
    assert sum(o is None for o in outcomes) == 1
    assert "förlängd" in next(o for o in outcomes if o is not None).messages[0]
    assert Extension.objects.filter(case=ready_case).count() == 1
    assert Case.objects.get(pk=ready_case.pk).deadline == date(2027, 1, 4)
