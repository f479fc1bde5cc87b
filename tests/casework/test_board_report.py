"""The board's report (issue 14): last year beside this year, goals, number formats."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from casework.indicators import board, goals, periods
from casework.indicators.numbers import sv_change, sv_number
from casework.indicators.periods import Period, same_period_last_year
from programmes.models import Goal, GoalKind, Programme
from tests.casework.indicator_journal import Journal

YEAR_2025 = periods.helar(2025)


@pytest.mark.parametrize(
    ("start", "end", "earlier_start", "earlier_end"),
    [
        # a tertial, a delår and a year map to the same tertial, delår and year
        (date(2026, 1, 1), date(2026, 4, 30), date(2025, 1, 1), date(2025, 4, 30)),
        (date(2026, 1, 1), date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
        # February of a year after a leap year is the whole of the leap February
        (date(2025, 2, 1), date(2025, 2, 28), date(2024, 2, 1), date(2024, 2, 29)),
        # the leap day itself becomes 28 February, as start and as end
        (date(2024, 2, 29), date(2024, 3, 10), date(2023, 2, 28), date(2023, 3, 10)),
        (date(2024, 2, 1), date(2024, 2, 29), date(2023, 2, 1), date(2023, 2, 28)),
        # 28 February as a start is not moved to the 29th
        (date(2025, 2, 28), date(2025, 3, 31), date(2024, 2, 28), date(2024, 3, 31)),
    ],
)
def test_the_same_period_last_year_keeps_whole_months_across_the_leap_day(
    start, end, earlier_start, earlier_end
):
    assert same_period_last_year(Period(start, end)) == Period(earlier_start, earlier_end)


@pytest.mark.django_db
def test_previous_year_across_a_leap_day_counts_the_29th_of_february():
    j = Journal()
    j.refer(date(2024, 2, 29), gender="K")  # in February 2024 only
    j.refer(date(2024, 3, 1), gender="X")  # in neither February
    j.refer(date(2025, 2, 28), gender="M")
    j.refer(date(2025, 2, 3), gender="M")
    data = board.with_previous_year(Period(date(2025, 2, 1), date(2025, 2, 28)))
    assert data["period"] == {"start": "2025-02-01", "end": "2025-02-28"}
    assert data["previous_year"]["period"] == {"start": "2024-02-01", "end": "2024-02-29"}
    assert data["indicators"]["IN1"] == {"total": 2, "K": 0, "M": 2, "X": 0}
    assert data["previous_year"]["indicators"]["IN1"] == {"total": 1, "K": 1, "M": 0, "X": 0}
    row = next(r for r in board.comparison_rows(data) if r["code"] == "IN1")
    assert row["cells"] == [0, 2, 0, 2]
    assert row["previous"] == [1, 0, 0, 1]
    assert row["change"] == [-1, 2, 0, 1]
    leap = board.with_previous_year(Period(date(2024, 2, 1), date(2024, 2, 29)))
    assert leap["previous_year"]["period"] == {"start": "2023-02-01", "end": "2023-02-28"}
    assert leap["indicators"]["IN1"]["total"] == 1


def test_a_share_changes_in_percentage_points_and_empty_stays_empty():
    assert board.change(50.0, 33.3) == 16.7
    assert board.change(3, 5) == -2
    assert board.change(None, 5) is None and board.change(4, None) is None


def _goal(**fields) -> Goal:
    base = {"programme": Programme.objects.get(code="JOBBTORG"), "year": 2025,
            "measure": "UT2", "kind": GoalKind.AT_LEAST, "target": Decimal(2),
            "wording": "Minst två till arbete under året"}  # fmt: skip
    goal = Goal(**(base | fields))
    goal.full_clean()
    goal.save()
    return goal


def _two_exits(second_exit: date) -> None:
    j = Journal()
    first = j.refer(date(2025, 1, 10), gender="K")
    j.exit(first, date(2025, 6, 1), "ARBETE")
    second = j.refer(date(2025, 2, 10), gender="M")
    j.exit(second, second_exit, "ARBETE")


def _judged(period: Period, today: date) -> dict:
    data = board.build_board(period, programme_code="JOBBTORG", today=today)
    return next(g for g in data["goals"] if g["wording"].startswith("Minst två"))


@pytest.mark.django_db
def test_a_goal_met_on_the_last_day_of_the_year_is_reached():
    _goal()
    _two_exits(date(2025, 12, 31))
    judged = _judged(YEAR_2025, today=date(2026, 1, 1))
    assert (judged["value"], judged["target"], judged["status"]) == (2, 2.0, goals.REACHED)
    assert judged["status_label"] == "uppnått"
    # an "at least" count is reached the day it is reached, even while the year runs
    assert _judged(YEAR_2025, today=date(2025, 12, 31))["status"] == goals.REACHED


@pytest.mark.django_db
def test_a_goal_missed_by_one_day_is_not_reached_once_the_year_has_ended():
    _goal()
    _two_exits(date(2026, 1, 1))
    assert _judged(YEAR_2025, today=date(2025, 12, 31))["status"] == goals.ONGOING
    judged = _judged(YEAR_2025, today=date(2026, 1, 1))
    assert (judged["value"], judged["status"], judged["status_label"]) == (
        1, goals.NOT_REACHED, "ej uppnått"
    )  # fmt: skip
    # a tertial that missed a year's target says nothing about the year
    assert _judged(periods.tertial(2025, 2), today=date(2026, 1, 1))["status"] == goals.YEAR


@pytest.mark.django_db
def test_more_than_last_year_compares_the_same_period_and_waits_for_its_end():
    _goal(measure="UT2+UT3", kind=GoalKind.MORE_THAN_LAST_YEAR, target=None,
          wording="Minst två: fler till arbete eller studier")  # fmt: skip
    j = Journal()
    last_year = j.refer(date(2024, 1, 10), gender="K")
    j.exit(last_year, date(2024, 3, 1), "STUDIER")
    for gender, reason in (("M", "ARBETE"), ("X", "STUDIER")):
        case = j.refer(date(2025, 1, 10), gender=gender)
        j.exit(case, date(2025, 3, 1), reason)
    t1 = periods.tertial(2025, 1)
    judged = _judged(t1, today=date(2025, 5, 1))
    assert (judged["value"], judged["previous"], judged["status"]) == (2, 1, goals.REACHED)
    assert _judged(t1, today=date(2025, 4, 30))["status"] == goals.ONGOING


@pytest.mark.django_db
def test_goals_are_the_chosen_programmes_and_years_only():
    data = board.build_board(periods.tertial(2026, 1), programme_code="JOBBTORG",
                             programme_ids=[Programme.objects.get(code="JOBBTORG").pk])  # fmt: skip
    wordings = [g["wording"] for g in data["goals"]]
    assert wordings[0].startswith("100 personer ska ha arbetsmarknadsanställning")
    assert wordings[1].startswith("Fler personer ska gå vidare till arbete eller studier")
    assert len(wordings) == 2  # Järfälla's goals are Järfälla's
    assert board.build_board(periods.tertial(2026, 1))["goals"] == []  # several programmes
    assert board.build_board(periods.tertial(2027, 1), programme_code="JOBBTORG")["goals"] == []


def _fake(ut3: int, ut5: int, bands: dict | None = None) -> dict:
    data: dict[str, Any] = {"indicators": {"UT3": {"total": ut3}, "UT5": {"total": ut5}}}
    if bands is not None:
        data["breakdowns"] = {"age_bands": {
            key: {"label": key, "indicators": {"UT5": {"total": n, "K": n, "M": 0, "X": 0}}}
            for key, n in bands.items()
        }}  # fmt: skip
    return data


def test_a_share_goal_is_the_codes_share_rounded_half_up_and_judged_at_the_period_end():
    goal = Goal(year=2026, measure="UT3", denominator="UT5", kind=GoalKind.SHARE_AT_LEAST,
                target=Decimal("1.0"), wording="Omsättningen till studier minst 1 %")  # fmt: skip
    t3 = periods.tertial(2026, 3)
    assert goals.measured(goal, _fake(1, 200)) == 0.5
    assert goals.measured(goal, _fake(1, 80)) == 1.3  # 1.25 rounds half up
    data = _fake(1, 100)
    assert goals.judge(goal, data, t3, date(2027, 1, 1))["status"] == goals.REACHED
    # judged on the one-decimal share the report shows: 1 of 101 is 1,0 %
    assert goals.judge(goal, _fake(1, 101), t3, date(2027, 1, 1))["status"] == goals.REACHED
    assert goals.judge(goal, _fake(1, 106), t3, date(2027, 1, 1))["status"] == goals.NOT_REACHED
    assert goals.judge(goal, data, t3, date(2026, 12, 31))["status"] == goals.ONGOING


def test_an_age_limited_goal_sums_the_age_bands_under_the_limit_or_cannot_be_measured():
    goal = Goal(year=2026, measure="UT5", age_below=55, kind=GoalKind.MORE_THAN_LAST_YEAR,
                wording="Antal personer <55 år som deltar ska öka")  # fmt: skip
    now = _fake(0, 30, {"16-24": 4, "25-54": 10, "55-64": 16})
    now["previous_year"] = _fake(0, 30, {"16-24": 3, "25-54": 10, "55-64": 17})
    judged = goals.judge(goal, now, periods.tertial(2026, 1), date(2026, 6, 1))
    assert (judged["value"], judged["previous"], judged["status"]) == (14, 13, goals.REACHED)
    without_bands = goals.judge(goal, _fake(0, 30), periods.tertial(2026, 1), date(2026, 6, 1))
    assert (without_bands["value"], without_bands["status"]) == (None, goals.UNMEASURABLE)


@pytest.mark.django_db
def test_a_goal_needs_the_fields_its_kind_uses():
    programme = Programme.objects.get(code="JOBBTORG")
    with pytest.raises(ValidationError) as error:
        Goal(programme=programme, year=2026, measure="UT1", kind=GoalKind.AT_LEAST,
             wording="x").full_clean()  # fmt: skip
    assert "target" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Goal(programme=programme, year=2026, measure="UT3", kind=GoalKind.SHARE_AT_LEAST,
             target=1, wording="x", age_below=40).full_clean()  # fmt: skip
    assert {"denominator", "age_below"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        Goal(programme=programme, year=2026, measure="ut2 + ut3",
             kind=GoalKind.MORE_THAN_LAST_YEAR, wording="x").full_clean()  # fmt: skip
    assert "measure" in error.value.message_dict


@pytest.mark.django_db
def test_the_seed_goals_are_jobbtorgs_and_jarfallas_measurable_ones():
    seeded = {(g.programme.code, g.measure, g.kind, g.target, g.denominator, g.age_below)
              for g in Goal.objects.select_related("programme")}  # fmt: skip
    assert ("JOBBTORG", "UT1", "at_least", Decimal(100), "", None) in seeded
    assert ("JOBBTORG", "UT2+UT3", "more_than_last_year", None, "", None) in seeded
    assert ("AME_JARFALLA", "UT3", "share_at_least", Decimal(1), "UT5", None) in seeded
    assert ("AME_JARFALLA", "UT5", "more_than_last_year", None, "", 55) in seeded


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (999, "999"), (1000, "1\u00a0000"), (1234567, "1\u00a0234\u00a0567"),
     (40.0, "40,0"), (6.25, "6,2"), (1234.5, "1\u00a0234,5"), (-3, "\u22123"),
     (None, "–"), (Decimal("16735.0"), "16\u00a0735,0")],
)  # fmt: skip
def test_numbers_are_written_the_swedish_way(value, text):
    assert sv_number(value) == text


def test_a_change_carries_its_sign():
    assert [sv_change(v) for v in (3, -2, 0, 1.5, None)] == ["+3", "\u22122", "±0", "+1,5", "–"]
