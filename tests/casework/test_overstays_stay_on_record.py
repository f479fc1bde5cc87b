"""A closed spell keeps its deadline and overstay days; OVERSTAY counts them (indicators.md)."""

from datetime import date

import pytest

from casework import rules
from casework.indicators import queries
from casework.indicators.exports import to_csv
from casework.indicators.periods import Period
from casework.indicators.report import build, table_rows
from casework.models import Spell

from .history import case_of, ev, indicators, load, person, tertial

pytestmark = pytest.mark.django_db


def kartlaggning_until(pnr, moved_on, kon="K"):
    return [
        ev(pnr, "aktualisering", "2026-01-02", "EB_ARBETSLOSHET", kon=kon),
        ev(pnr, "samrad", "2026-01-02", kon=kon),
        ev(pnr, "kartlaggning", "2026-01-05", kon=kon),  # deadline 4 Feb
        ev(pnr, "jobbsok", moved_on, kon=kon),
    ]


def test_a_move_sixty_days_late_keeps_its_deadline_and_overstay():
    pnr = person()
    assert load(kartlaggning_until(pnr, "2026-04-05")).ok
    case = case_of(pnr)
    (late,) = rules.overstays(case, date(2026, 12, 1))
    assert (late.state, late.deadline, late.days) == ("kartlaggning", date(2026, 2, 4), 59)
    spell = Spell.objects.get(case=case, state="kartlaggning")
    assert (spell.deadline, spell.overstay_from) == (date(2026, 2, 4), date(2026, 2, 5))
    assert indicators(*tertial(2026, 1))["OVERSTAY"] == {"total": 1, "K": 1, "M": 0, "X": 0}
    assert indicators(*tertial(2026, 2))["OVERSTAY"]["total"] == 0


def test_leaving_the_day_after_the_deadline_is_no_overstay_and_a_day_later_is_one():
    on_time, late = person(), person()
    assert load(
        [
            *kartlaggning_until(on_time, "2026-02-05"),
            *kartlaggning_until(late, "2026-02-06", kon="M"),
        ]
    ).ok
    assert rules.overstays(case_of(on_time), date(2026, 12, 1)) == []
    assert [o.days for o in rules.overstays(case_of(late), date(2026, 12, 1))] == [1]
    counted = indicators(*tertial(2026, 1))["OVERSTAY"]
    assert counted == {"total": 1, "K": 0, "M": 1, "X": 0}
    assert indicators(date(2026, 2, 6), date(2026, 4, 30))["OVERSTAY"]["total"] == 0


def test_overstay_is_in_the_table_the_csv_and_the_drill_down():
    pnr = person()
    assert load(kartlaggning_until(pnr, "2026-04-05")).ok
    period = Period(*tertial(2026, 1))
    data = build(period)
    codes = [r["code"] for r in table_rows(data)]
    assert codes[-7:] == ["OVERSTAY", "K1", "K2", "K3", "K4", "K5", "K6"]
    assert b";OVERSTAY;" in to_csv(data)
    assert queries.person_ids(period, "OVERSTAY", "K") == [case_of(pnr).participant_id]
