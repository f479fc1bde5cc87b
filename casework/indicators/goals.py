"""The agreements' goals (målvärden) judged on a report (docs/indicators.md "Goals").

A goal is read from the report's own numbers, so the goal's value is the same number as
the table's (or a sum or share of them): no query of its own beyond loading the goals.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from programmes.models import Goal, GoalKind

from .periods import Period
from .report import _share

REACHED, NOT_REACHED, ONGOING, YEAR, UNMEASURABLE = (
    "uppnatt", "ej_uppnatt", "pagar", "helar", "kan_inte_matas",
)  # fmt: skip
STATUS_LABELS = {
    REACHED: _("uppnått"),
    NOT_REACHED: _("ej uppnått"),
    ONGOING: _("perioden pågår"),
    YEAR: _("avgörs på helåret"),
    UNMEASURABLE: _("kan inte mätas"),
}
COMPARISONS = (GoalKind.MORE_THAN_LAST_YEAR, GoalKind.LESS_THAN_LAST_YEAR)


def _band_upper(key: str) -> int | None:
    numbers = re.findall(r"\d+", key)
    return int(numbers[-1]) if numbers else None


def _sources(part: dict, age_below: int | None) -> list[dict] | None:
    """The indicator dicts to sum: the whole report, or its age bands under the limit."""
    if age_below is None:
        return [part.get("indicators", {})]
    bands = (part.get("breakdowns") or {}).get("age_bands") or {}
    chosen = [
        band.get("indicators", {})
        for key, band in bands.items()
        if (_band_upper(key) or age_below) < age_below
    ]
    return chosen or None


def count(part: dict, measure: str, age_below: int | None = None) -> int | None:
    """The sum of the measure's codes' totals; None when a code or the age split is missing."""
    sources = _sources(part, age_below)
    if sources is None:
        return None
    total = 0
    for code in measure.split("+"):
        for indicators in sources:
            value = indicators.get(code, {}).get("total")
            if not isinstance(value, int) or isinstance(value, bool):
                return None
            total += value
    return total


def measured(goal: Goal, part: dict | None) -> int | float | None:
    """The goal's value on one period's part of the report: a count, or a share in %."""
    if part is None:
        return None
    value = count(part, goal.measure, goal.age_below)
    if value is None or not goal.denominator:
        return value
    whole = count(part, goal.denominator, goal.age_below)
    return None if whole is None else _share(value, whole)


def _status(goal: Goal, value, previous, period: Period, today: date) -> str:
    comparison = goal.kind in COMPARISONS
    if value is None or (comparison and previous is None):
        return UNMEASURABLE
    target = Decimal(goal.target) if goal.target is not None else None
    if goal.kind == GoalKind.AT_LEAST and target is not None and Decimal(value) >= target:
        return REACHED  # a count over a longer part of the year can only be larger
    if today <= period.end:
        return ONGOING
    if goal.kind == GoalKind.AT_LEAST:
        whole_year = period.start == date(goal.year, 1, 1) and period.end == date(goal.year, 12, 31)
        return NOT_REACHED if whole_year else YEAR
    if goal.kind == GoalKind.SHARE_AT_LEAST:
        return REACHED if target is not None and Decimal(str(value)) >= target else NOT_REACHED
    better = value > previous if goal.kind == GoalKind.MORE_THAN_LAST_YEAR else value < previous
    return REACHED if better else NOT_REACHED


def judge(goal: Goal, data: dict, period: Period, today: date) -> dict:
    """One goal as the JSON's `goals` list carries it."""
    value = measured(goal, data)
    previous = measured(goal, data.get("previous_year"))
    status = _status(goal, value, previous, period, today)
    return {
        "programme": data.get("programme"),
        "year": goal.year,
        "measure": goal.measure,
        "denominator": goal.denominator or None,
        "age_below": goal.age_below,
        "kind": goal.kind,
        "target": float(goal.target) if goal.target is not None else None,
        "wording": goal.wording,
        "source": goal.source,
        "value": value,
        "previous": previous,
        "status": status,
        "status_label": str(STATUS_LABELS[status]),
    }


def goals_for(data: dict, period: Period, today: date) -> list[dict]:
    """The goals of the report's one programme for the period's year (one query).

    No goals for a report over several programmes, several years or one unit: a goal is
    the programme's, and the sum of other programmes or a part of it is not its number.
    """
    code = data.get("programme")
    if not code or data.get("unit") or period.start.year != period.end.year:
        return []
    goals = Goal.objects.filter(programme__code=code, year=period.start.year).order_by("pk")
    return [judge(goal, data, period, today) for goal in goals]
