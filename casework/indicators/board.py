"""The board's report (issue 14): this period, the same period last year, the goals and
the last six tertials, on top of `report.build` (docs/indicators.md)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from . import goals, periods, report
from .periods import Period

CHART_TERTIALS = 6
COMPARED = ("indicators", "breakdowns")


def with_previous_year(period: Period, **options) -> dict:
    """`report.build` for the period, with the same period one year earlier under
    `previous_year` (same shape as `indicators`, with its own `period`): `build_many`,
    which reads the budgets of both years at once and the other apps' sections (the
    survey) of this period only."""
    data, earlier = report.build_many([period, periods.same_period_last_year(period)], **options)
    data["previous_year"] = {"period": earlier["period"]} | {
        key: earlier[key] for key in COMPARED if key in earlier
    }
    return data


def build_board(period: Period, *, today: date | None = None, **options) -> dict:
    """The whole board report: `with_previous_year` and the programme's judged `goals`."""
    data = with_previous_year(period, **options)
    data["goals"] = goals.goals_for(data, period, today or timezone.localdate())
    return data


def change(now, before):
    """This year's value minus last year's; a share changes in percentage points."""
    if isinstance(now, bool) or isinstance(before, bool):
        return None
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    if isinstance(now, float) or isinstance(before, float):
        return round(now - before, 1)
    return now - before


def comparison_rows(data: dict) -> list[dict]:
    """`report.table_rows` with last year's cells and the change beside each cell."""
    rows = report.table_rows(data)
    previous = (data.get("previous_year") or {}).get("indicators")
    for row in rows:
        if previous is None:
            row["previous"] = row["change"] = None
            continue
        values = previous.get(row["code"], {})
        row["previous"] = [values.get(col) for col in report.COLUMNS[1:]] + [values.get("total")]
        row["change"] = [change(now, before) for now, before in zip(row["cells"], row["previous"],
                                                                     strict=True)]  # fmt: skip
    return rows


def chart(period: Period, *, programme_ids=None, **options) -> dict:
    """Every indicator over the last six tertials up to the period's end (one `build_many`)."""
    tertials = periods.last_tertials(period.end, CHART_TERTIALS)
    built = report.build_many([p for _y, _n, p in tertials], programme_ids=programme_ids, **options)
    series = []
    for indicator in report.ALL:
        values = {
            col: [b["indicators"].get(indicator.code, {}).get(col) for b in built]
            for col in report.COLUMNS
        }
        series.append({"code": indicator.code, "label": str(indicator.label), "values": values})
    return {"tertials": [f"{y} T{n}" for y, n, _p in tertials], "series": series}


def chart_rows(data: dict) -> list[dict]:
    """The chart as one table per indicator: a row per tertial, a column per gender."""
    return [
        {
            "code": s["code"],
            "label": s["label"],
            "points": [
                {"tertial": t, **{col: s["values"][col][i] for col in report.COLUMNS}}
                for i, t in enumerate(data["tertials"])
            ],
        }
        for s in data["series"]
    ]
