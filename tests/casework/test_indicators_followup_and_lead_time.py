"""UT6 (follow-up 6 months after an ended anställning, due/missing) and K2 (median)."""

from datetime import date

import pytest
import time_machine

from casework.indicators.periods import Period, follow_up_window
from tests.casework.indicator_journal import T1_2026, T3_2026, Journal, cell, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def employed(db):
    j = Journal()

    def case(gender):
        c = j.refer(date(2026, 1, 2), gender=gender)
        j.start(c, "anstallning", date(2026, 1, 10))
        return c

    u1 = case("K")  # ends by exit on 1 Mar: due 1 Sep, P.start; receives EB
    j.exit(u1, date(2026, 3, 1), "AVBROTT")
    j.follow_up(u1, date(2026, 9, 5), receives_eb=True)
    u2 = case("M")  # ends by a change on 30 Jun: due 30 Dec; no EB
    j.start(u2, "jobbsok", date(2026, 6, 30))
    with time_machine.travel(date(2026, 12, 20), tick=False):  # recordable 14 days before due
        j.follow_up(u2, date(2026, 12, 16), receives_eb=False)
    u3 = case("X")  # ends 15 Jun: due 15 Dec, no follow-up recorded
    j.exit(u3, date(2026, 6, 15), "AF")
    u4 = case("M")  # ends 28 Feb: due 28 Aug, before P
    j.exit(u4, date(2026, 2, 28), "ARBETE")
    j.follow_up(u4, date(2026, 8, 28), receives_eb=True)
    u5 = case("K")  # ends 1 Jul: due 1 Jan 2027, after P
    j.exit(u5, date(2026, 7, 1), "ARBETE")
    return j


def test_ut6_counts_receivers_among_follow_ups_due_in_p(employed):
    assert counts(T3_2026, "UT6") == cell(1, k=1) | {"due": 3, "missing": 1}


def test_ut6_in_another_period_sees_its_own_due_follow_ups(employed):
    assert counts(Period(date(2026, 8, 1), date(2026, 8, 31)), "UT6") == cell(1, m=1) | {
        "due": 1,
        "missing": 0,
    }


def test_the_follow_up_window_clamps_month_ends():
    # 29, 30 and 31 August + 6 months are all 28 February 2027.
    assert follow_up_window(Period(date(2027, 2, 28), date(2027, 2, 28))) == (
        date(2026, 8, 28),
        date(2026, 8, 31),
    )
    assert follow_up_window(Period(date(2027, 3, 1), date(2027, 3, 1))) == (
        date(2026, 9, 1),
        date(2026, 9, 1),
    )


@pytest.fixture
def lead_times(db):
    j = Journal()

    def first_insats(gender, referred, *starts):
        c = j.refer(referred, gender=gender)
        for insats, on in starts:
            j.start(c, insats, on)

    first_insats("K", date(2026, 1, 2), ("kartlaggning", date(2026, 1, 5)))  # 3
    first_insats("K", date(2026, 1, 2), ("jobbsok", date(2026, 1, 12)))  # 10
    first_insats("M", date(2026, 1, 2), ("jobbsok", date(2026, 1, 9)))  # 7
    first_insats("M", date(2025, 12, 20), ("jobbsok", date(2026, 1, 1)))  # 12, on P.start
    first_insats("X", date(2026, 4, 20), ("jobbsok", date(2026, 5, 2)))  # after P
    # Only the first insats counts: 1 day, not 18.
    first_insats(
        "K", date(2026, 1, 2), ("kartlaggning", date(2026, 1, 3)), ("jobbsok", date(2026, 1, 20))
    )
    first_insats("X", date(2026, 1, 2))  # never started
    return j


def test_k2_is_the_median_of_days_to_the_first_insats_with_x5_for_even_counts(lead_times):
    # Total 1, 3, 7, 10, 12 → 7; K 1, 3, 10 → 3; M 7, 12 → 9.5; X none → null.
    assert counts(T1_2026, "K2") == {"total": 7, "K": 3, "M": 9.5, "X": None}


def test_k2_is_null_without_first_insatser_in_p(lead_times):
    assert counts(Period(date(2026, 6, 1), date(2026, 6, 30)), "K2") == {
        "total": None,
        "K": None,
        "M": None,
        "X": None,
    }
