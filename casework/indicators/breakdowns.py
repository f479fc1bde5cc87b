"""The count indicators per target group and per age band, in the same SQL query as the
main counts (issue 14): the facts are read, and grouped by person, once for both.

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
within a group is "referred in P from a case in the group and not IN3 there". An age band
counts the main table's persons (a person's codes over all their facts) by birth date;
a target group groups the facts of its cases by person again.
"""

from __future__ import annotations

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


def band_sql(period: Period, params: dict, *, keys: bool = True) -> str:
    """The age band of participant `p` on P's last day: 'age:16-24' …, or with `keys`
    False its index in AGE_BANDS; NULL outside them."""
    ops = connection.ops
    whens = []
    for i, (band, low, high) in enumerate(AGE_BANDS):
        params[f"old{i}"] = ops.adapt_datefield_value(_born_by(period.end, low))
        params[f"young{i}"] = ops.adapt_datefield_value(_born_by(period.end, high + 1))
        value = f"'age:{band}'" if keys else str(i)
        whens.append(
            f"WHEN p.birth_date <= %(old{i})s AND p.birth_date > %(young{i})s THEN {value}"
        )
    return f"CASE {' '.join(whens)} END"


def _groups_sql(as_of, params: dict) -> str:
    """CTEs `case_groups` (the target groups of each case, as bits) and `group_codes`."""
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
    )"""


def breakdown_rows(
    period: Period, *, filters: queries.Filters = queries.NO_FILTERS, as_of=None
) -> list[tuple]:
    """Rows (group, gender, count per person code in `queries.PERSON_CODES` order)."""
    return counts_and_breakdown_rows(period, filters=filters, as_of=as_of)[1]


def counts_and_breakdown_rows(
    period: Period, *, filters: queries.Filters = queries.NO_FILTERS, as_of=None
) -> tuple[list[tuple], list[tuple]]:
    """`queries.count_rows` and `breakdown_rows` from one query, which reads the facts and
    groups them by person once: a person's age band is of the person, so the bands count
    the persons of the main count by their birth date; the target groups count, per group,
    the persons with a fact from a case in the group."""
    params: dict = {}
    base = queries._base_ctes(period, filters, as_of, params, cid=_CID)
    union = queries.person_rows_sql(params, cid=_CID)
    sql = f"""
    WITH {base},
    person_rows (pid, gender, cid, mask) AS (
        {union}
    ),
    persons AS (
        SELECT pid, gender, {queries.bit_or("mask")} AS mask FROM person_rows GROUP BY pid, gender
    ),{_groups_sql(as_of, params)},
    group_persons AS (
        SELECT g.grp, r.pid, r.gender, {queries.bit_or("r.mask")} AS mask
        FROM person_rows r
        JOIN case_groups cg ON cg.case_id = r.cid
        JOIN group_codes g ON (cg.gmask & g.bit) <> 0
        GROUP BY g.grp, r.pid, r.gender
    ),
    keyed AS (
        SELECT 'all' AS grp, gender, mask FROM persons
        UNION ALL
        SELECT {band_sql(period, params)}, ps.gender, ps.mask FROM persons ps
        JOIN casework_participant p ON p.id = ps.pid
        UNION ALL
        SELECT grp, gender, mask FROM group_persons
    )""" + queries.counting_sql(
        "(SELECT grp, gender, mask, COUNT(*) AS n FROM keyed WHERE grp IS NOT NULL "
        "GROUP BY grp, gender, mask)",
        key="grp",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    people = len(queries.PERSON_CODES)
    totals = {
        gender: [int(n or 0) for n in counts] for grp, gender, *counts in rows if grp == "all"
    }
    groups = [(grp, gender, *counts[:people]) for grp, gender, *counts in rows if grp != "all"]
    return queries.code_rows(totals), groups


def build_breakdowns(
    period: Period, *, filters: queries.Filters, order: list[str], as_of=None
) -> dict:
    """The report's "breakdowns": every target group and age band, zeros included, the
    indicators in `order` (the report's)."""
    rows = breakdown_rows(period, filters=filters, as_of=as_of)
    return breakdowns_of(rows, order)


def breakdowns_of(rows: list[tuple], order: list[str]) -> dict:
    """The "breakdowns" of `breakdown_rows`."""
    codes = queries.PERSON_CODES
    cells: dict[str, dict[str, dict[str, int]]] = {}
    for grp, gender, *counts in rows:
        per_code = cells.setdefault(
            grp, {c: dict.fromkeys(("total", *queries.GENDERS), 0) for c in codes}
        )
        for code, n in zip(codes, counts, strict=True):
            per_code[code][gender] = int(n or 0)
            per_code[code]["total"] += int(n or 0)

    def block(key: str) -> dict:
        found = cells.get(key, {})
        return {c: found.get(c, dict.fromkeys(("total", *queries.GENDERS), 0)) for c in order}

    return {
        "target_groups": {
            code: {"label": str(label), "indicators": block(f"tg:{code}")}
            for code, label, _cond in TARGET_GROUPS
        },
        "age_bands": {
            band: {
                "label": _("%(low)s–%(high)s år") % {"low": low, "high": high},
                "indicators": block(f"age:{band}"),
            }
            for band, low, high in AGE_BANDS
        },
    }
