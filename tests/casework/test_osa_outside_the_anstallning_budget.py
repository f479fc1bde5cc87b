"""OSA is outside the 12 + 6 + 6 anställning budget, and the budget is outside OSA (000 §4.4)."""

from datetime import date

import pytest

from .history import case_of, ev, load, person

pytestmark = pytest.mark.django_db

KOMMUNAL = {"arbetsplats": "Parkförvaltningen", "kommunal": "ja"}


def a_year_of_regular_anstallning(pnr):
    return [
        ev(pnr, "aktualisering", "2024-01-02", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2024-01-02"),
        ev(pnr, "anstallning", "2024-01-10", **KOMMUNAL),
        ev(pnr, "jobbsok", "2025-01-10"),  # 366 days: the 12 months are spent
    ]


def test_osa_starts_after_twelve_months_of_regular_anstallning():
    pnr = person()
    osa = ev(pnr, "anstallning", "2025-02-01", "OSA", planerat_slut="2026-06-30", **KOMMUNAL)
    result = load([*a_year_of_regular_anstallning(pnr), osa])
    assert result.ok, result.errors
    case = case_of(pnr)
    assert case.state == "anstallning" and case.deadline == date(2026, 6, 30)


def test_a_regular_anstallning_after_the_spent_budget_is_still_refused():
    pnr = person()
    again = ev(pnr, "anstallning", "2025-02-01", **KOMMUNAL)
    result = load([*a_year_of_regular_anstallning(pnr), again])
    assert not result.ok
    assert "366 dagar av 366" in result.errors[0].reason


def test_a_regular_anstallning_after_three_years_of_osa_has_its_whole_budget():
    pnr = person()
    rows = [
        ev(pnr, "aktualisering", "2021-01-04", "EB_ARBETSLOSHET"),
        ev(pnr, "samrad", "2021-01-04"),
        ev(pnr, "anstallning", "2021-01-10", "OSA", planerat_slut="2024-01-09", **KOMMUNAL),
        ev(pnr, "jobbsok", "2024-01-10"),
        ev(pnr, "anstallning", "2024-02-01", **KOMMUNAL),
    ]
    result = load(rows)
    assert result.ok, result.errors
    assert case_of(pnr).deadline == date(2025, 1, 31)  # 12 months of its own


def test_osa_still_needs_its_planned_end():
    pnr = person()
    osa = ev(pnr, "anstallning", "2025-02-01", "OSA", **KOMMUNAL)
    result = load([*a_year_of_regular_anstallning(pnr), osa])
    assert not result.ok
    assert "planerat slutdatum" in result.errors[0].reason
