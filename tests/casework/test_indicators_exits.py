"""UT2–UT4 and K1: exits dated in P; K1 per exit without EJ_AKTUELL."""

from datetime import date

import pytest

from casework.indicators.periods import tertial
from tests.casework.indicator_journal import T1_2026, Journal, cell, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    j = Journal()

    def exited(gender, reason, on, insats="jobbsok", pnr=None, referred=date(2026, 1, 2)):
        case = j.refer(referred, gender=gender, pnr=pnr)
        if insats:
            j.start(case, insats, referred.replace(day=referred.day + 1))
        j.exit(case, on, reason)

    exited("K", "ARBETE", date(2026, 2, 1), insats="kartlaggning")
    exited("M", "STUDIER", date(2026, 2, 10))
    exited("M", "AF", date(2026, 3, 1))
    exited("X", "EJ_AKTUELL", date(2026, 1, 10), insats=None)
    exited("K", "AVBROTT", date(2026, 4, 30))
    pnr = j.person()
    exited("K", "ARBETE", date(2026, 1, 20), pnr=pnr)
    exited("K", "ARBETE", date(2026, 3, 15), pnr=pnr, referred=date(2026, 2, 1))
    exited("M", "FK", date(2025, 12, 31), referred=date(2025, 12, 1))
    exited("X", "SOCIALTJANST", date(2026, 1, 1), referred=date(2025, 12, 1))
    exited("M", "SOCIALTJANST", date(2026, 5, 1))
    return j


def test_ut2_counts_persons_exited_to_work_once(scenario):
    assert counts(T1_2026, "UT2") == cell(2, k=2)


def test_ut3_counts_exits_to_studies(scenario):
    assert counts(T1_2026, "UT3") == cell(1, m=1)


def test_ut4_counts_transfers_with_exits_on_p_start_but_not_the_day_after_p(scenario):
    assert counts(T1_2026, "UT4") == cell(2, m=1, x=1)


def test_k1_is_a_share_per_exit_without_ej_aktuell(scenario):
    # Exits in P without EJ_AKTUELL: K 4 (3 to work), M 2 (1 to studies), X 1 (0).
    assert counts(T1_2026, "K1") == {"total": 57.1, "K": 75.0, "M": 50.0, "X": 0.0}


def test_k1_is_null_when_p_has_no_exits(scenario):
    assert counts(tertial(2026, 3), "K1") == {"total": None, "K": None, "M": None, "X": None}
