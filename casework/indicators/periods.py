"""Report periods: tertial, delår, helår and custom ranges (indicators.md "Periods")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from casework.rules import add_months

TERTIAL_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}
FOLLOW_UP_MONTHS = 6


@dataclass(frozen=True)
class Period:
    """An inclusive date range [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(_("Periodens slut ligger före dess början."))

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def _month_end(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


def tertial(year: int, number: int) -> Period:
    if number not in TERTIAL_MONTHS:
        raise ValueError(_("Tertialen måste vara 1, 2 eller 3."))
    first, last = TERTIAL_MONTHS[number]
    return Period(date(year, first, 1), _month_end(year, last))


def delar(year: int, number: int) -> Period:
    """1 January to the end of tertial `number`."""
    return Period(date(year, 1, 1), tertial(year, number).end)


def helar(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def tertial_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 4 + 1


def last_tertials(day: date, count: int) -> list[tuple[int, int, Period]]:
    """The `count` tertials up to and including the one `day` falls in, oldest first."""
    year, number = tertial_of(day)
    result = []
    for _i in range(count):
        result.append((year, number, tertial(year, number)))
        year, number = (year, number - 1) if number > 1 else (year - 1, 3)
    return result[::-1]


def follow_up_window(period: Period) -> tuple[date, date]:
    """The spell end dates t with t + 6 calendar months inside the period (UT6).

    `add_months` clamps to the month's last day (31 Aug + 6 = 28 Feb), so it is monotonic
    but not invertible; the bounds are found by stepping over the few dates around the
    naive inverse. The loop runs over at most a handful of dates, never over persons.
    """
    low = add_months(period.start, -FOLLOW_UP_MONTHS) - timedelta(days=4)
    while add_months(low, FOLLOW_UP_MONTHS) < period.start:
        low += timedelta(days=1)
    high = add_months(period.end, -FOLLOW_UP_MONTHS) + timedelta(days=4)
    while add_months(high, FOLLOW_UP_MONTHS) > period.end:
        high -= timedelta(days=1)
    return low, high


def _year_earlier(day: date, *, month_end: bool) -> date:
    """The same day one year earlier. 29 February becomes 28 February; with `month_end`,
    the last day of February stays the month's last day (28 Feb 2029 -> 29 Feb 2028)."""
    if day.month == 2 and (day.day == 29 or (month_end and day.day == 28)):
        return _month_end(day.year - 1, 2)
    return day.replace(year=day.year - 1)


def same_period_last_year(period: Period) -> Period:
    """The period one year earlier (indicators.md "Last year beside this year").

    The start moves to the same day a year earlier (29 Feb -> 28 Feb). The end does too,
    except that an end on the last day of February stays on the last day of February,
    so a whole month, tertial or delår maps to the whole month, tertial or delår.
    """
    start = _year_earlier(period.start, month_end=False)
    end_is_month_end = period.end == _month_end(period.end.year, period.end.month)
    return Period(start, _year_earlier(period.end, month_end=end_is_month_end))
