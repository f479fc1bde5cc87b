"""The count indicators per target group and per age band, in one SQL query (issue 14).

Which persons: the same facts as `queries.count_rows` (referrals, spells, enrolments,
exits, due follow-ups and overstays of P), each carrying its case. A fact belongs to

- a **target group** when its case's current `TargetGroupFacts` (recorded at referral,
  corrections applied; as recorded at T for `as_of`) says so: a person is counted for an
  indicator in a group when one of their facts for that indicator comes from a case in
  the group. A case with no facts, or a fact not asked, is in no group.
- an **age band** by the person's age in whole years on the last day of P, from the
  birth date (16–24, 25–54, 55–64; younger or older: no band). The bounds are birth
  dates computed in Python, so both engines compare dates only: age on D >= n exactly
  when the birth date is on or before D minus n years (29 Feb minus a year is 28 Feb).

Each cell counts distinct persons, in total and per gender, as the main table does; IN4
within a group is "referred in P from a case in the group and not IN3 there".
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import rules
from casework.models import NewlyArrived
from casework.projections import current
from config.replica import read_connection as connection

from . import queries
from .periods import Period

# (code, label, condition on the current TargetGroupFacts row `f`)
TARGET_GROUPS = [
    (
        "langtidsarbetslos",
        gettext_lazy("Arbetslös mer än 12 månader"),
        "f.long_term_unemployed = %(yes)s",
    ),
    (
        "mycket_langtidsarbetslos",
        gettext_lazy("Arbetslös mer än 24 månader"),
        "f.very_long_term_unemployed = %(yes)s",
    ),
    ("ej_gymnasium", gettext_lazy("Saknar gymnasieutbildning"), "f.no_upper_secondary = %(yes)s"),
    (
        "nyanland",
        gettext_lazy("Nyanländ i etableringsprogrammet eller med utbildningsplikt"),
        f"f.newly_arrived IN ('{NewlyArrived.ETABLERING}', '{NewlyArrived.UTBILDNINGSPLIKT}')",
    ),
    ("utomeuropeisk", gettext_lazy("Född utanför Europa"), "f.born_outside_europe = %(yes)s"),
    (
        "ung_uvas",
        gettext_lazy("Ung 16–24 år som varken arbetar eller studerar"),
        "f.young_neet = %(yes)s",
    ),
    (
        "funktionsnedsattning",
        gettext_lazy("Dokumenterad funktionsnedsättning"),
        "f.documented_disability = %(yes)s",
    ),
]
# (band, lowest age, highest age)
AGE_BANDS = [("16-24", 16, 24), ("25-54", 25, 54), ("55-64", 55, 64)]
_CID = ", s.case_id AS cid"


def _born_by(on, years: int):
    """The latest birth date of a person who is at least `years` old on `on`."""
    return rules.add_months(on, -12 * years)


def _band_sql(periods: Sequence[Period], params: dict) -> str:
    """The age band of person `p` on the last day of the fact's period (`r.pno`)."""
    ops = connection.ops
    whens = []
    for k, period in enumerate(periods):
        for i, (band, low, high) in enumerate(AGE_BANDS):
            params[f"old{k}_{i}"] = ops.adapt_datefield_value(_born_by(period.end, low))
            params[f"young{k}_{i}"] = ops.adapt_datefield_value(_born_by(period.end, high + 1))
            whens.append(
                f"WHEN r.pno = {k} AND p.birth_date <= %(old{k}_{i})s "
                f"AND p.birth_date > %(young{k}_{i})s THEN 'age:{band}'"
            )
    return f"CASE {' '.join(whens)} END"


def _groups_sql(as_of, params: dict) -> str:
    """Rows (pno, grp, pid, gender, mask): each fact once per target group of its case
    and once for its person's age band."""
    params["yes"] = True
    group_bits = " + ".join(
        f"CASE WHEN {cond} THEN {1 << i} ELSE 0 END"
        for i, (_c, _l, cond) in enumerate(TARGET_GROUPS)
    )
    codes = "\n            UNION ALL ".join(
        f"SELECT 'tg:{code}' AS grp, {1 << i} AS bit"
        for i, (code, _l, _c) in enumerate(TARGET_GROUPS)
    )
    return f"""
    case_groups AS (
        SELECT f.case_id, {group_bits} AS gmask
        FROM {current("casework_targetgroupfacts", "f", as_of)} f
    ),
    group_codes AS (
            {codes}
    ),
    grouped AS (
        SELECT r.pno, g.grp, r.pid, r.gender, r.mask FROM person_rows r
        JOIN case_groups cg ON cg.case_id = r.cid
        JOIN group_codes g ON (cg.gmask & g.bit) <> 0
        UNION ALL
        SELECT r.pno, {{band}}, r.pid, r.gender, r.mask FROM person_rows r
        JOIN casework_participant p ON p.id = r.pid
    )"""


def breakdown_rows(
    periods: Sequence[Period], *, filters: queries.Filters = queries.NO_FILTERS, as_of=None
) -> list[tuple]:
    """Rows (period number, group, gender, count per person code in
    `queries.PERSON_CODES` order), of every period from one query."""
    params: dict = {}
    base = queries._base_ctes(periods, filters, as_of, params, cid=_CID)
    union = queries.person_rows_sql(params, cid=_CID)
    groups = _groups_sql(as_of, params).replace("{band}", _band_sql(periods, params))
    cells = ", ".join(
        f"SUM(CASE WHEN {test} THEN 1 ELSE 0 END)" for test in queries._PERSON_TEST.values()
    )
    sql = f"""
    WITH {base},
    person_rows (pno, pid, gender, cid, mask) AS (
        {union}
    ),{groups},
    persons AS (
        SELECT pno, grp, pid, gender, {queries._BIT_OR[connection.vendor]} AS mask
        FROM grouped WHERE grp IS NOT NULL GROUP BY pno, grp, pid, gender
    )
    SELECT pno, grp, gender, {cells} FROM persons GROUP BY pno, grp, gender"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def build_breakdowns(
    period: Period, *, filters: queries.Filters, order: list[str], as_of=None
) -> dict:
    """The report's "breakdowns": every target group and age band, zeros included, the
    indicators in `order` (the report's)."""
    return build_breakdowns_of([period], filters=filters, order=order, as_of=as_of)[0]


def build_breakdowns_of(
    periods: Sequence[Period], *, filters: queries.Filters, order: list[str], as_of=None
) -> list[dict]:
    """`build_breakdowns` of each period, from one query for them all."""
    codes = queries.PERSON_CODES
    cells: dict[tuple[int, str], dict[str, dict[str, int]]] = {}
    for pno, grp, gender, *counts in breakdown_rows(periods, filters=filters, as_of=as_of):
        per_code = cells.setdefault(
            (pno, grp), {c: dict.fromkeys(("total", *queries.GENDERS), 0) for c in codes}
        )
        for code, n in zip(codes, counts, strict=True):
            per_code[code][gender] = int(n or 0)
            per_code[code]["total"] += int(n or 0)

    def block(k: int, key: str) -> dict:
        found = cells.get((k, key), {})
        return {c: found.get(c, dict.fromkeys(("total", *queries.GENDERS), 0)) for c in order}

    return [
        {
            "target_groups": {
                code: {"label": str(label), "indicators": block(k, f"tg:{code}")}
                for code, label, _cond in TARGET_GROUPS
            },
            "age_bands": {
                band: {
                    "label": _("%(low)s–%(high)s år") % {"low": low, "high": high},
                    "indicators": block(k, f"age:{band}"),
                }
                for band, low, high in AGE_BANDS
            },
        }
        for k in range(len(periods))
    ]
