"""A year's history per seed programme, written by hand from its agreement (histories/*.csv),
imported, and every indicator per tertial compared with counts worked out by hand.

Cells are (total, K, M, X); a code not listed is zero. K1 and K2 are (total, K, M, X) with
None for empty. The reasoning for each number is in the comments.
"""

from pathlib import Path

import pytest

from casework.indicators.report import COUNT_CODES

from .history import indicators, tertial

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent / "histories"

# JOBBTORG 2026 (000 §4.4). A (K, 35): kartläggning 7 Jan (deadline 6 Feb) until 20 Feb
# = 13 days over; arbetsträning; SFI from 1 Mar; municipal anställning 4 May; exit ARBETE
# 1 Jun (SFI ends with it); follow-up 20 Nov (due 1 Dec) EB_JA. B (M, 21): jobbsök 3 Feb,
# private praktik 2 Mar (deadline 1 Sep) until exit STUDIER 15 Sep = 13 days over.
# C (X, 45): OSA at a municipal workplace 15 Jun – 30 Nov (its planned end), then jobbsök.
# D (K, 55): closed as ej aktuell.
JOBBTORG = {
    1: {
        "IN1": (2, 2, 0, 0),
        "IN2": (3, 2, 1, 0),
        "IN3": (1, 0, 1, 0),
        "IN4": (2, 2, 0, 0),
        "AKT1": (1, 1, 0, 0),
        "AKT2": (1, 1, 0, 0),
        "AKT3": (1, 0, 1, 0),
        "AKT5": (1, 1, 0, 0),
        "UT5": (2, 1, 1, 0),
        "OVERSTAY": (1, 1, 0, 0),
        "K1": (None, None, None, None),
        "K2": (1.5, 2, 1, None),
    },
    2: {
        "IN1": (1, 0, 0, 1),
        "IN2": (1, 0, 0, 1),
        "IN4": (1, 0, 0, 1),
        "AKT2": (1, 1, 0, 0),
        "AKT3": (1, 0, 1, 0),
        "AKT4": (2, 1, 0, 1),
        "AKT5": (1, 1, 0, 0),
        "UT1": (2, 1, 0, 1),
        "UT2": (1, 1, 0, 0),
        "UT5": (3, 1, 1, 1),
        "K1": (100.0, 100.0, None, None),
        "K2": (5, None, None, 5),
    },
    3: {
        "AKT3": (1, 0, 1, 0),
        "AKT4": (1, 0, 0, 1),
        "UT1": (1, 0, 0, 1),
        "UT3": (1, 0, 1, 0),
        "UT5": (2, 0, 1, 1),
        "UT6": (1, 1, 0, 0),
        "OVERSTAY": (1, 0, 1, 0),
        "K1": (100.0, None, 100.0, None),
        "K2": (None, None, None, None),
    },
}
# SIKTA 2025 (003: 12 months from the first insats). E (K, 39): kartläggning 13 Jan,
# arbetsträning 3 Feb, exit KOMMUNAL_AME 15 Dec. F (M, 22): kartläggning 10 Mar, jobbsök
# 1 Apr, still open: the case deadline 9 Mar 2026 passes in T1 2026. G (X, 49):
# kartläggning 12 May, municipal praktik 2 Jun, exit FORSTARKT_SAMARBETE 30 Sep.
SIKTA = {
    1: {
        "IN3": (1, 0, 1, 0),
        "IN4": (1, 1, 0, 0),
        "AKT1": (2, 1, 1, 0),
        "AKT2": (1, 1, 0, 0),
        "UT5": (2, 1, 1, 0),
        "K1": (None, None, None, None),
        "K2": (6, 5, 7, None),
    },
    2: {
        "IN4": (1, 0, 0, 1),
        "AKT1": (1, 0, 0, 1),
        "AKT2": (1, 1, 0, 0),
        "AKT3": (1, 0, 0, 1),
        "UT1": (1, 0, 0, 1),
        "UT5": (3, 1, 1, 1),
        "K1": (None, None, None, None),
        "K2": (7, None, None, 7),
    },
    3: {
        "AKT2": (1, 1, 0, 0),
        "AKT3": (1, 0, 0, 1),
        "UT1": (1, 0, 0, 1),
        "UT5": (3, 1, 1, 1),
        "K1": (0.0, 0.0, None, 0.0),
        "K2": (None, None, None, None),
    },
}
# BROMODELLEN 2025 (002 §5: the coordinator's maximum is the planned end). H (K, 32):
# kartläggning 20 Jan, arbetsträning 17 Feb with maximum 15 Aug, exit ARBETE 1 Sep: 16
# days over in T2. I (M, 25): arbetsträning 10 Mar, exit AVBROTT 30 Jun.
BROMODELLEN = {
    1: {
        "IN1": (1, 1, 0, 0),
        "IN2": (1, 1, 0, 0),
        "IN4": (2, 1, 1, 0),
        "AKT1": (1, 1, 0, 0),
        "AKT2": (2, 1, 1, 0),
        "UT5": (2, 1, 1, 0),
        "K1": (None, None, None, None),
        "K2": (6, 5, 7, None),
    },
    2: {
        "AKT2": (2, 1, 1, 0),
        "UT5": (2, 1, 1, 0),
        "OVERSTAY": (1, 1, 0, 0),
        "K1": (0.0, None, 0.0, None),
        "K2": (None, None, None, None),
    },
    3: {"UT2": (1, 1, 0, 0), "K1": (100.0, 100.0, None, None), "K2": (None, None, None, None)},
}
# AME_JARFALLA 2025 (004, Jobbtorg durations). J (K, 16): kartläggning 10 Feb until its
# last day, jobbsök, municipal praktik 1 Apr until exit STUDIER 1 Oct (deadline 30 Sep:
# no overstay). K (M, 44): municipal anställning 12 May – 1 Aug, SFI 5 Aug – 1 Nov;
# the follow-up is due 1 Feb 2026, not in 2025.
AME_JARFALLA = {
    1: {
        "IN3": (1, 1, 0, 0),
        "AKT1": (1, 1, 0, 0),
        "AKT3": (1, 1, 0, 0),
        "UT1": (1, 1, 0, 0),
        "UT5": (1, 1, 0, 0),
        "K1": (None, None, None, None),
        "K2": (7, 7, None, None),
    },
    2: {
        "IN2": (1, 0, 1, 0),
        "IN4": (1, 0, 1, 0),
        "AKT3": (1, 1, 0, 0),
        "AKT4": (1, 0, 1, 0),
        "AKT5": (1, 0, 1, 0),
        "UT1": (2, 1, 1, 0),
        "UT5": (2, 1, 1, 0),
        "K1": (None, None, None, None),
        "K2": (10, None, 10, None),
    },
    3: {
        "AKT3": (1, 1, 0, 0),
        "AKT5": (1, 0, 1, 0),
        "UT1": (1, 1, 0, 0),
        "UT3": (1, 1, 0, 0),
        "UT5": (2, 1, 1, 0),
        "K1": (100.0, 100.0, None, None),
        "K2": (None, None, None, None),
    },
}
CASES = [
    ("jobbtorg_2026", "JOBBTORG", 2026, JOBBTORG),
    ("sikta_2025", "SIKTA", 2025, SIKTA),
    ("bromodellen_2025", "BROMODELLEN", 2025, BROMODELLEN),
    ("ame_jarfalla_2025", "AME_JARFALLA", 2025, AME_JARFALLA),
]


def cells(values: dict) -> tuple:
    return (values["total"], values["K"], values["M"], values["X"])


@pytest.mark.parametrize(("name", "code", "year", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_years_history_gives_the_hand_worked_counts(name, code, year, expected):
    result = _load(name)
    assert result.ok, result.errors
    for n, want in expected.items():
        got = indicators(*tertial(year, n), code)
        for indicator in [*COUNT_CODES, "K1", "K2"]:
            assert cells(got[indicator]) == want.get(indicator, (0, 0, 0, 0)), (n, indicator)


def test_sikta_case_limit_passes_in_the_next_years_first_tertial():
    assert _load("sikta_2025").ok
    got = indicators(*tertial(2026, 1), "SIKTA")
    assert cells(got["OVERSTAY"]) == (1, 0, 1, 0)
    assert cells(got["UT5"]) == (1, 0, 1, 0)


def test_jobbtorg_follow_up_is_counted_due_and_not_missing():
    assert _load("jobbtorg_2026").ok
    ut6 = indicators(*tertial(2026, 3), "JOBBTORG")["UT6"]
    assert (ut6["due"], ut6["missing"]) == (1, 0)


def _load(name: str):
    from programmes.models import Unit
    from referrals.importing.applier import run_import

    data = (HERE / f"{name}.csv").read_bytes()
    return run_import(data, filename=f"{name}.csv", unit=Unit.objects.get(code="sikta-sodra"))
