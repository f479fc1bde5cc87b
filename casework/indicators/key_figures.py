"""Key figures K3–K6 of seed 001 (docs/indicators.md), in one SQL query plus the budgets.

- K3 and its `pending` are counted per exit, like K1: the exits dated in P (the exit
  spells of the projection), with the employment form and studiemedel of the exit's
  current transition (read through its index by case and date), and the
  current one-month check of that exit (`EmploymentCheck`, matched by case and exit date).
- K6 is counted per person: persons with a case that has a baseline step and a state
  spell (kartläggning to anställning) overlapping P; moved when, for one of those cases,
  the latest current assessment dated in P is higher than the baseline.
- K4 and K5 divide the programmes' budgets, prorated to P by days, by UT5 and by the
  exits to work or studies (K1's numerator); the counts come from the main query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from casework.models import EmploymentForm
from casework.projections import current
from casework.rules import EJ_AKTUELL
from config.replica import read_connection as connection
from programmes.models import Programme, ProgrammeBudget

from . import queries
from .periods import Period

WORK_FORMS = (EmploymentForm.REGULAR.value, EmploymentForm.SUBSIDISED.value)
# Per gender: exits, K3 exits, K3 pending, K6 persons with a baseline, K6 moved up.
ROW_CODES = ["K3_exits", "K3_good", "K3_pending", "K6_base", "K6_up"]


def _k6_sql(spells: str, scope: str, as_of) -> str:
    active = queries._ACTIVE
    overlap = f"""SELECT s.case_id, s.participant_id AS pid, s.gender FROM {spells} s
            WHERE s.state IN ({active}) AND {scope} AND s.start_on <= %(p_end)s AND """
    # A case with several spells in P is listed once per spell: k6 groups by person and
    # takes the MAX, which repeats do not change, so no de-duplicating UNION is needed.
    return f"""
    active_cases AS (
        {overlap} s.end_on IS NULL
        UNION ALL
        {overlap} {queries._ENDS_IN_OR_AFTER_P}
    ),
    latest AS (
        SELECT a.case_id, a.step, ROW_NUMBER() OVER (
            PARTITION BY a.case_id ORDER BY a.effective_on DESC, a.recorded_at DESC, a.id DESC
        ) AS rn
        FROM {current("casework_assessment", "a", as_of)} a
        WHERE a.effective_on BETWEEN %(p_start)s AND %(p_end)s
    ),
    k6 AS (
        SELECT ac.pid, ac.gender,
               MAX(CASE WHEN l.step > c.baseline_step THEN 1 ELSE 0 END) AS up
        FROM active_cases ac
        JOIN casework_case c ON c.id = ac.case_id AND c.baseline_step IS NOT NULL
        LEFT JOIN latest l ON l.case_id = ac.case_id AND l.rn = 1
        GROUP BY ac.pid, ac.gender
    )"""


def key_figure_rows(
    period: Period, *, filters: queries.Filters = queries.NO_FILTERS, as_of=None
) -> dict[str, dict[str, int]]:
    """{code: {"total", "K", "M", "X"}} for `ROW_CODES`, from one query."""
    params: dict = {}
    first, spells, scope = queries._source(period, filters, as_of, params)
    sql = f"""
    WITH {first}{key_figure_ctes(spells, scope.format(a="s"), as_of, params)}
    SELECT gender, SUM(ex), SUM(good), SUM(pending), SUM(base), SUM(up) FROM (
        SELECT k.gender, {K3_COUNTS}, 0 AS base, 0 AS up
        FROM k3 k
        UNION ALL
        SELECT gender, 0, 0, 0, 1, up FROM k6
    ) figures GROUP BY gender"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {row[0]: [int(n or 0) for n in row[1:]] for row in cursor.fetchall()}
    out = {}
    for i, code in enumerate(ROW_CODES):
        per_gender = {g: rows.get(g, [0] * len(ROW_CODES))[i] for g in queries.GENDERS}
        out[code] = {"total": sum(per_gender.values()), **per_gender}
    return out


_WORK = "k.exit_reason = 'ARBETE' AND k.employment_form IN ({})".format(
    ", ".join(f"'{f}'" for f in WORK_FORMS)
)
# What one K3 row (alias k) adds to K3_exits, K3_good and K3_pending.
K3_COUNTS = f"""
               CASE WHEN k.exit_reason <> %(ej_aktuell)s THEN 1 ELSE 0 END AS ex,
               CASE WHEN ({_WORK} AND k.lasted = 1)
                      OR (k.exit_reason = 'STUDIER' AND k.studiemedel = %(yes)s)
                    THEN 1 ELSE 0 END AS good,
               CASE WHEN {_WORK} AND k.lasted IS NULL THEN 1 ELSE 0 END AS pending"""


def key_figure_ctes(spells: str, scope: str, as_of, params: dict) -> str:
    """CTEs `k3` (one row per exit in P: pid, gender and its K3 facts) and `k6` (one row
    per person with a baseline: pid, gender, up), after the CTEs of `queries._source`."""
    params.update(ej_aktuell=EJ_AKTUELL, yes=True)
    return f"{_k3_sql(spells, scope, as_of)},{_k6_sql(spells, scope, as_of)}"


def _k3_sql(spells: str, scope: str, as_of) -> str:
    """CTE k3: each exit dated in P with its transition's K3 facts and its current check."""
    return f"""
    checks AS (
        SELECT ch.case_id, ch.exit_on, MAX(CASE WHEN ch.lasted_month THEN 1 ELSE 0 END) AS lasted
        FROM {current("casework_employmentcheck", "ch", as_of)} ch
        WHERE ch.exit_on BETWEEN %(p_start)s AND %(p_end)s
        GROUP BY ch.case_id, ch.exit_on
    ),
    k3 AS (
        SELECT s.participant_id AS pid, s.gender, s.exit_reason, t.employment_form,
               t.studiemedel, chk.lasted
        FROM {spells} s
        LEFT JOIN {current("casework_transition", "t", as_of)} t
          ON t.case_id = s.case_id AND t.effective_on = s.start_on AND t.to_state = 'avslutad'
        LEFT JOIN checks chk ON chk.case_id = s.case_id AND chk.exit_on = s.start_on
        WHERE s.state = 'avslutad' AND {scope} AND s.start_on BETWEEN %(p_start)s AND %(p_end)s
    )"""


def _years(period: Period) -> dict[int, int]:
    """Days of P in each calendar year it touches."""
    out = {}
    for year in range(period.start.year, period.end.year + 1):
        low, high = max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))
        out[year] = (high - low).days + 1
    return out


def _year_days(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def prorated_budget(period: Period, programme_ids) -> Decimal | None:
    """The budgets of the programmes counted, prorated to P by days: for each year,
    amount x (days of P in the year) / (days of the year). None when a programme that
    runs in P (valid_from/valid_to) has no budget for a year that P touches. Two queries."""
    return prorated_budgets([period], programme_ids)[0]


def prorated_budgets(periods: Sequence[Period], programme_ids) -> list[Decimal | None]:
    """`prorated_budget` of each period, from the same two queries for them all."""
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    programmes = Programme.objects.filter(valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=list(programme_ids))
    spans = list(programmes.values_list("pk", "valid_from", "valid_to"))
    years = sorted({year for period in periods for year in _years(period)})
    found: dict[tuple[int, int], int] = {}
    if spans:
        budgets = ProgrammeBudget.objects.filter(
            programme_id__in=[pk for pk, _f, _t in spans], year__in=years
        )
        found = {(b.programme_id, b.year): b.amount_kr for b in budgets}
    return [_prorated(period, spans, found) for period in periods]


def _prorated(period: Period, spans, found: dict[tuple[int, int], int]) -> Decimal | None:
    running = {
        pk
        for pk, valid_from, valid_to in spans
        if valid_from <= period.end and (valid_to is None or valid_to >= period.start)
    }
    days = _years(period)
    if not running or any((pid, year) not in found for pid in running for year in days):
        return None
    return sum(
        (
            Decimal(found[(pid, year)]) * n / _year_days(year)
            for pid in running
            for year, n in days.items()
        ),
        Decimal(0),
    )


def kronor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cost_per(budget: Decimal | None, count: int) -> int | None:
    """Whole kronor, rounded half up; None without a budget or a count."""
    if budget is None or count == 0:
        return None
    return kronor(budget / count)
