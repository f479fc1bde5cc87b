"""IN1–IN4: referrals dated in P, distinct persons, age on the first referral in P."""

from datetime import date

import pytest

from casework.indicators.periods import Period
from programmes.models import Programme
from tests.casework.indicator_journal import T1_2026, Journal, cell, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    j = Journal()
    # On P.start, 36 years old, EB arbetslöshet.
    j.refer(date(2026, 1, 1), gender="K", born=date(1990, 5, 17))
    # 24 on the day before the 25th birthday; EB annat skäl.
    j.refer(date(2026, 3, 10), gender="M", born=date(2001, 3, 11), income="EB_ANNAT")
    # 25 on the birthday itself; gender X.
    j.refer(date(2026, 3, 10), gender="X", born=date(2001, 3, 10))
    # On P.end.
    j.refer(date(2026, 4, 30), gender="M", born=date(1980, 1, 1))
    # The day after P: not counted.
    j.refer(date(2026, 5, 1), gender="K", born=date(1980, 1, 1))
    # A re-referral: two cases, counted once; 24 at the first referral in P, 25 at the second.
    pnr = j.person(date(2001, 2, 15))
    first = j.refer(date(2026, 2, 1), gender="K", pnr=pnr)
    j.exit(first, date(2026, 2, 5), "EJ_AKTUELL")
    j.refer(date(2026, 3, 1), gender="K", pnr=pnr)
    # Referred before P, re-referred in P: counted on the re-referral.
    pnr_b = j.person(date(1970, 6, 1))
    old = j.refer(date(2025, 12, 15), gender="X", pnr=pnr_b)
    j.exit(old, date(2026, 1, 5), "EJ_AKTUELL")
    j.refer(date(2026, 1, 10), gender="X", pnr=pnr_b, income="EB_ANNAT")
    # One person with cases in two programmes: Jobbtorg (EB) and Sikta (sjukpenning).
    pnr_c = j.person(date(1985, 8, 8))
    j.refer(date(2026, 2, 1), gender="M", pnr=pnr_c)
    j.refer(date(2026, 3, 1), gender="M", pnr=pnr_c, programme="SIKTA", income="SJUKPENNING")
    # Sikta only, sjukpenning: in IN3/IN4 but not IN1/IN2.
    j.refer(date(2026, 4, 1), gender="K", born=date(2004, 4, 1), programme="SIKTA",
            income="SJUKPENNING")  # fmt: skip
    return j


def test_in1_counts_persons_referred_in_p_with_eb_for_unemployment(scenario):
    # K: P.start person, the re-referred person; M: the two-programme person; X: birthday X.
    assert counts(T1_2026, "IN1") == cell(5, k=2, m=2, x=1)


def test_in2_adds_eb_for_other_reasons(scenario):
    assert counts(T1_2026, "IN2") == cell(7, k=2, m=3, x=2)


def test_in3_and_in4_split_on_the_25th_birthday_at_the_first_referral_in_p(scenario):
    # 24: the M born 2001-03-11, the re-referred K (24 on 2026-02-01), the Sikta K aged 22.
    assert counts(T1_2026, "IN3") == cell(3, k=2, m=1)
    # 25+: P.start K, birthday X, P.end M, re-referred X, two-programme M.
    assert counts(T1_2026, "IN4") == cell(5, k=1, m=2, x=2)


def test_a_programme_filter_counts_only_that_programme(scenario):
    sikta = [Programme.objects.get(code="SIKTA").pk]
    assert counts(T1_2026, "IN1", programme_ids=sikta) == cell(0)
    assert counts(T1_2026, "IN4", programme_ids=sikta) == cell(1, m=1)
    assert counts(T1_2026, "IN3", programme_ids=sikta) == cell(1, k=1)


def test_a_referral_on_the_day_after_p_counts_in_the_next_period(scenario):
    assert counts(Period(date(2026, 5, 1), date(2026, 5, 1)), "IN1") == cell(1, k=1)
