"""The summary's protocol under concurrent writers on PostgreSQL (ADR 0112): imports in
several threads while `clean` runs in a loop beside them lose no mark, and the report read
at any moment counts each person once."""

import threading
from datetime import date

import pytest
from django.db import connection

from casework.indicators import periods, report, summary
from casework.models import SummaryDirty

from .test_indicator_summary import a_new_history, assert_kinds_add_up, assert_same

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]
P = periods.tertial(2025, 2)
WRITERS, EACH = 6, 4


def test_writers_and_the_cleaner_at_once_lose_nothing():
    a_new_history(date(1990, 1, 1))
    assert summary.build(P) == 1
    done = threading.Event()
    errors: list[BaseException] = []
    totals: list[int] = []
    cleaned: list[int] = []

    def writer(k: int) -> None:
        try:
            for i in range(EACH):
                a_new_history(date(1980 + k, 1 + i, 1))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def cleaner() -> None:
        try:
            while not done.is_set():
                cleaned.append(summary.clean())
                totals.append(report.build(P)["indicators"]["UT2"]["total"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
    side = threading.Thread(target=cleaner)
    side.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    side.join()
    assert not errors, errors
    assert sum(cleaned) > 0 and len(totals) > 2, (cleaned, totals)  # it ran among them
    # Read while marks and kept rows changed under it: never a person twice or lost.
    assert totals == sorted(totals) and all(1 <= n <= 1 + WRITERS * EACH for n in totals)
    assert_same(P)
    summary.clean()
    assert not SummaryDirty.objects.exists()
    assert_kinds_add_up()
    assert_same(P)
    assert report.build(P)["indicators"]["UT2"]["total"] == 1 + WRITERS * EACH
