"""AKT1–AKT5, UT1 and UT5: spells [from, to) and enrolments overlapping P."""

from datetime import date

import pytest

from tests.casework.indicator_journal import T1_2026, T2_2026, Journal, cell, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    j = Journal()
    # K: kartläggning ends on P.start (not in T1); arbetsträning in T1 only;
    # arbetspraktik at a kommunal workplace from 1 May (T2 only).
    s1 = j.refer(date(2025, 12, 1), gender="K")
    j.start(s1, "kartlaggning", date(2025, 12, 10))
    j.start(s1, "arbetstraning", date(2026, 1, 1))
    j.start(s1, "arbetspraktik", date(2026, 5, 1), kommunal=True)
    # M: kartläggning starting on P.end.
    s2 = j.refer(date(2026, 4, 1), gender="M")
    j.start(s2, "kartlaggning", date(2026, 4, 30))
    # X: kartläggning and jobbsök the same day (empty spell), exit on 1 May.
    s3 = j.refer(date(2026, 2, 1), gender="X")
    j.start(s3, "kartlaggning", date(2026, 2, 1))
    j.start(s3, "jobbsok", date(2026, 2, 1))
    j.exit(s3, date(2026, 5, 1), "ARBETE")
    # K: kommunal anställning that exits on P.start: active in 2025 only.
    s4 = j.refer(date(2025, 11, 1), gender="K")
    j.start(s4, "anstallning", date(2025, 11, 10), kommunal=True)
    j.exit(s4, date(2026, 1, 1), "ARBETE")
    # M: anställning at a private employer, and a course Feb–Mar.
    s5 = j.refer(date(2026, 1, 5), gender="M")
    j.start(s5, "anstallning", date(2026, 1, 10), kommunal=False)
    j.enrol(s5, date(2026, 2, 1))
    j.unenrol(s5, date(2026, 3, 1))
    # K with two cases, arbetsträning in both: counted once.
    pnr = j.person()
    first = j.refer(date(2026, 1, 2), gender="K", pnr=pnr)
    j.start(first, "arbetstraning", date(2026, 1, 3))
    j.exit(first, date(2026, 2, 1), "AVBROTT")
    second = j.refer(date(2026, 2, 10), gender="K", pnr=pnr)
    j.start(second, "arbetstraning", date(2026, 2, 15))
    # X: still in aktualisering, a course starting on P.end.
    s7 = j.refer(date(2026, 1, 10), gender="X")
    j.enrol(s7, date(2026, 4, 30))
    # M: a course that starts and ends the same day (empty), nothing else.
    s8 = j.refer(date(2026, 1, 10), gender="M")
    j.enrol(s8, date(2026, 1, 15), course="Matte")
    j.unenrol(s8, date(2026, 1, 15), course="Matte")
    return j


def test_akt1_counts_a_spell_starting_on_p_end_but_not_an_empty_or_ended_one(scenario):
    assert counts(T1_2026, "AKT1") == cell(1, m=1)


def test_akt2_counts_a_person_with_two_cases_once(scenario):
    assert counts(T1_2026, "AKT2") == cell(2, k=2)
    assert counts(T2_2026, "AKT2") == cell(1, k=1)


def test_a_change_on_1_may_moves_the_person_to_the_next_tertial(scenario):
    assert counts(T1_2026, "AKT3") == cell(0)
    assert counts(T2_2026, "AKT3") == cell(1, k=1)


def test_akt4_counts_anstallning_but_not_one_exited_on_p_start(scenario):
    assert counts(T1_2026, "AKT4") == cell(1, m=1)


def test_akt5_counts_enrolments_but_not_empty_ones(scenario):
    assert counts(T1_2026, "AKT5") == cell(2, m=1, x=1)


def test_ut1_counts_only_kommunal_workplaces(scenario):
    assert counts(T1_2026, "UT1") == cell(0)
    assert counts(T2_2026, "UT1") == cell(1, k=1)


def test_ut5_counts_insatser_and_enrolments_per_person(scenario):
    # K: s1, two-case person; M: s2, s5; X: s3 (jobbsök), s7 (course only).
    assert counts(T1_2026, "UT5") == cell(6, k=2, m=2, x=2)
    # T2: s1 (arbetspraktik), two-case K (arbetsträning), s2 (kartläggning), s5 (anställning),
    # s7 (its course is still open); s3 exited on 1 May, P.start.
    assert counts(T2_2026, "UT5") == cell(5, k=2, m=2, x=1)
