"""The indicator SQL: computed in the database from the journal (indicators.md).

Two queries make a report, whatever the number of participants, and the same two make
the reports of several periods (this tertial and the same tertial last year, board.py):

1. `count_rows` — one statement. Common table expressions build the *facts* of the
   periods, one row per (period, indicator code, person, gender, counting key):
   referrals in P, spells overlapping P, enrolments, exits and due follow-ups. The
   distinct facts are then counted per period and code, in total and per gender K/M/X.
   For person indicators the key is the participant, so a person with two cases or two
   events counts once; for K1 it is the exiting case (a case exits once); for UT6
   due/missing it is the ended spell (case and end date).
2. `median_rows` — one statement for K2. The per-case lead times (referral to first
   insats) are counted per number of days, per period, per gender and in total; running
   sums over that histogram find the one or two middle values and AVG of them is the
   median, in the database. An even count gives the mean of the two middle values (x.5).

Several periods: every fact row carries `pno`, its period's number (0 = the first). Facts
dated in P (referrals, exits, due follow-ups, first insatser) are read once per period,
each through its own index range (`each_period`; no two periods share them). Spells open
in P are read in one scan bounded by the outer bounds of all the periods and joined to the
`periods` CTE, which tags each with every period it overlaps: a spell open in both
tertials is read once.

The spells come from the `Spell` projection (casework.projections), read through its
indexes with the period's bounds, so a report touches the rows of P and not the whole
journal. `as_of` replays the journal instead: only rows recorded at or before T, and a
row superseded by a correction recorded at or before T is replaced by that correction
(models.Recorded); the spells are then derived by the projection's own SQL
(`projections.spells_sql`) in a CTE with the same columns, and the rest of the
statement is the same text, except OVERSTAY: its deadlines are the rules' own, computed
over the journal as recorded at T (extensions recorded later do not count), before the
statement (`casework.deadlines.overstaying_as_of`).

Both run on SQLite (3.25+, window functions) and PostgreSQL. The only engine-specific
SQL is the difference of two dates in days (`_DATE_SQL`) and the dates' type in the
`periods` VALUES list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from casework.deadlines import overstaying_as_of
from casework.projections import ENROLMENT, SPELL_COLUMNS, current, spells_sql
from casework.rules import EJ_AKTUELL

# Raw SQL sees no router: the report's queries read the replica inside a report view
# (config.replica), the primary everywhere else.
from config.replica import read_connection as connection

from .periods import Period, follow_up_window

GENDERS = ("K", "M", "X")

_DATE_SQL = {
    "sqlite": {
        "days": "CAST(julianday({0}) - julianday({1}) AS INTEGER)",
    },
    "postgresql": {
        "days": "({0} - {1})",
    },
}
# Spells a person is "in" for AKT1–AKT4, UT1 and UT5: every state but the referral
# and the exit (and, read with them, the enrolments for AKT5 and UT5).
_ACTIVE = "'kartlaggning', 'jobbsok', 'arbetstraning', 'arbetspraktik', 'anstallning'"


def _date_sql(name: str, *args: str) -> str:
    return _DATE_SQL[connection.vendor][name].format(*args)


def _in_list(prefix: str, values, params: dict) -> str:
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f"%({prefix}{i})s")
    return ", ".join(names) or "NULL"


@dataclass(frozen=True)
class Filters:
    """Which cases a report counts: of these programmes, units (the case's unit) and home
    municipalities (the referral's MemberMunicipality); None is no limit."""

    programme_ids: Sequence[int] | None = None
    unit_ids: Sequence[int] | None = None
    municipality_ids: Sequence[int] | None = None


NO_FILTERS = Filters()


def _scope(filters: Filters, params: dict) -> str:
    """The filters as one condition on the spell alias `{a}` (formatted by the caller)."""
    parts = []
    if filters.programme_ids is not None:
        parts.append(f"{{a}}.programme_id IN ({_in_list('prog', filters.programme_ids, params)})")
    case_filters = [
        (column, prefix, ids)
        for column, prefix, ids in (
            ("unit_id", "unit", filters.unit_ids),
            ("home_municipality_id", "muni", filters.municipality_ids),
        )
        if ids is not None
    ]
    if case_filters:
        where = " AND ".join(
            f"c.{col} IN ({_in_list(pre, ids, params)})" for col, pre, ids in case_filters
        )
        parts.append(f"{{a}}.case_id IN (SELECT c.id FROM casework_case c WHERE {where})")
    return " AND ".join(parts) or "1 = 1"


_PERIOD_PARAMS = ("p_start", "p_end", "due_low", "due_high")


def _period_params(periods: Sequence[Period], params: dict) -> None:
    """The bounds of each period k as `%(p_start{k})s` .. `%(due_high{k})s`, and the
    outer bounds of them all (`p_first`, `p_last`) for a scan that serves every period."""
    ops = connection.ops
    for k, period in enumerate(periods):
        bounds = (period.start, period.end, *follow_up_window(period))
        for name, day in zip(_PERIOD_PARAMS, bounds, strict=True):
            params[f"{name}{k}"] = ops.adapt_datefield_value(day)
    params["p_first"] = ops.adapt_datefield_value(min(p.start for p in periods))
    params["p_last"] = ops.adapt_datefield_value(max(p.end for p in periods))


def _of_period(sql: str, k: int) -> str:
    """`sql` written for one period (`%(p_start)s` ...), for period k."""
    for name in _PERIOD_PARAMS:
        sql = sql.replace(f"%({name})s", f"%({name}{k})s")
    return sql


def each_period(periods: Sequence[Period], select: str) -> str:
    """`select` (a SELECT of one period's rows, starting "SELECT ") once per period, its
    rows tagged `pno` (0 = the first period): for facts dated in P, which no two periods
    share, so each reads only its own range of the index."""
    body = select.strip().removeprefix("SELECT ")
    return "\n        UNION ALL ".join(
        _of_period(f"SELECT {k} AS pno, {body}", k) for k in range(len(periods))
    )


def _periods_cte(periods: Sequence[Period]) -> str:
    """CTE `periods (pno, p_start, p_end)`: joined by facts that span periods (spells
    open in P), read in one scan for all of them and tagged with each period they touch."""
    cast = "CAST({0} AS DATE)" if connection.vendor == "postgresql" else "{0}"
    rows = ", ".join(
        f"({k}, {cast.format(f'%(p_start{k})s')}, {cast.format(f'%(p_end{k})s')})"
        for k in range(len(periods))
    )
    return f"periods (pno, p_start, p_end) AS (VALUES {rows}),"


def _source(
    periods: Sequence[Period], filters: Filters, as_of, params: dict
) -> tuple[str, str, str]:
    """(CTEs that must come first, the spell table to read, the case scope on `{a}`)."""
    _period_params(periods, params)
    scope = _scope(filters, params)
    first = _periods_cte(periods)
    if as_of is None:
        return first, "casework_spell", scope
    params["as_of"] = connection.ops.adapt_datetimefield_value(as_of)
    return f"{first} replayed ({SPELL_COLUMNS}) AS ({spells_sql(as_of)}),", "replayed", scope


# An open spell, or one that ends after P starts and is not empty. Two conjunctions,
# each a range of one index, where one OR would make PostgreSQL read every spell that
# starts before P ends. The scan is bounded by the outer bounds of all the periods (a
# spell open in last year's P and in this year's is read once), and the join to
# `periods` tags each row with every period it overlaps.
_OPEN = ("s.end_on IS NULL", "1 = 1")
_ENDS_IN_OR_AFTER_P = (
    "s.end_on > %(p_first)s AND s.end_on > s.start_on",
    "s.end_on > p.p_start",
)


def _overlapping(spells: str, scope: str, ends: tuple[str, str], cid: str = "") -> str:
    scan, per_period = ends
    return f"""SELECT p.pno, s.participant_id AS pid, s.gender, s.state, w.kommunal{cid}
        FROM {spells} s
        JOIN periods p ON s.start_on <= p.p_end AND {per_period}
        LEFT JOIN programmes_workplace w ON w.id = s.workplace_id
        WHERE s.state IN ({_ACTIVE}, '{ENROLMENT}') AND {scope}
          AND s.start_on <= %(p_last)s AND {scan}"""


def _overstays(spells: str, scope: str, cid: str = "") -> str:
    """Persons in a spell, or an open case, on a day of P after its deadline (OVERSTAY).

    The projection keeps each spell's first overstay day (`overstay_from`, from
    casework.rules, docs/adr/0104)."""
    return f"""
        SELECT p.pno, s.participant_id AS pid, s.gender{cid} FROM {spells} s
        JOIN periods p ON s.overstay_from <= p.p_end
          AND (s.end_on IS NULL OR s.end_on > p.p_start)
        WHERE s.overstay_from IS NOT NULL AND s.overstay_from <= %(p_last)s AND {scope}
          AND (s.end_on IS NULL OR s.end_on > %(p_first)s)
"""


def _overstays_as_of(
    periods: Sequence[Period], filters: Filters, as_of, scope: str, cid: str = ""
) -> str:
    """OVERSTAY as of T: the deadlines as they were then, with the extensions recorded by
    T, are the rules' own (casework.deadlines) over the journal as recorded at T; the
    facts are listed as literal rows (integers and a checked gender code only), and the
    report's scope (`{a}` = v) narrows them as it narrows the spells."""
    rows = [
        (k, *row)
        for k, period in enumerate(periods)
        for row in overstaying_as_of(as_of, period.start, period.end, filters.programme_ids)
    ]
    if not rows:
        no_case = ", CAST(NULL AS BIGINT) AS cid" if cid else ""
        return f"""
        SELECT CAST(NULL AS INTEGER) AS pno, CAST(NULL AS BIGINT) AS pid,
               CAST(NULL AS VARCHAR(1)) AS gender{no_case}
        WHERE 1 = 0
"""
    values = ", ".join(
        f"({int(k)}, {int(pid)}, '{_gender(gender)}', {int(case)}, {int(programme)})"
        for k, pid, gender, case, programme in rows
    )
    key = ", v.case_id AS cid" if cid else ""
    return f"""
        SELECT v.pno, v.participant_id AS pid, v.gender{key} FROM (
            SELECT column1 AS pno, column2 AS participant_id, column3 AS gender,
                   column4 AS case_id, column5 AS programme_id FROM (VALUES {values}) t
        ) v WHERE {scope.format(a="v")}
"""


def _gender(code: str) -> str:
    if code not in GENDERS:
        raise ValueError(f"not a gender code: {code!r}")
    return code


def _base_ctes(
    periods: Sequence[Period], filters: Filters, as_of, params: dict, cid: str = ""
) -> str:
    """Spells and enrolments overlapping P, referrals, exits and due follow-ups, of every
    period at once, each row tagged with its period (`pno`).

    `cid` (", s.case_id AS cid" or "") adds each fact's case, for the breakdowns."""
    first, spells, scope = _source(periods, filters, as_of, params)
    exits = each_period(
        periods,
        f"""SELECT s.participant_id AS pid, s.gender, s.exit_reason{cid}
        FROM {spells} s
        WHERE s.state = 'avslutad' AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s""",
    )
    due = each_period(
        periods,
        f"""SELECT s.case_id, s.participant_id AS pid, s.gender, s.end_on, f.outcome
        FROM {spells} s
        LEFT JOIN (
            SELECT f.case_id, f.spell_ended_on,
                   MAX(CASE WHEN f.receives_eb THEN 1 ELSE 0 END) AS outcome
            FROM {current("casework_followup", "f", as_of)} f
            WHERE f.spell_ended_on BETWEEN %(due_low)s AND %(due_high)s
            GROUP BY f.case_id, f.spell_ended_on
        ) f ON f.case_id = s.case_id AND f.spell_ended_on = s.end_on
        WHERE s.state = 'anstallning' AND {scope.format(a="s")} AND s.end_on > s.start_on
          AND s.end_on BETWEEN %(due_low)s AND %(due_high)s""",
    )
    referrals = each_period(
        periods,
        f"""SELECT s.participant_id AS pid, s.gender, s.income_support, s.age_at_referral{cid}
        FROM {spells} s
        WHERE s.state = 'aktualisering' AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s""",
    )
    overstays = (
        _overstays(spells, scope.format(a="s"), cid)
        if as_of is None
        else _overstays_as_of(periods, filters, as_of, scope, cid)
    )
    return f"""{first}
    overstays AS ({overstays}    ),
    overlapping AS (
        {_overlapping(spells, scope.format(a="s"), _OPEN, cid)}
        UNION ALL
        {_overlapping(spells, scope.format(a="s"), _ENDS_IN_OR_AFTER_P, cid)}
    ),
    referrals AS (
        {referrals}
    ),
    exits AS (
        {exits}
    ),
    exit_rows AS (
        {exits}
    ),
    due AS (
        {due}
    ),
    due_rows AS (
        {due}
    )"""


# What one row of each source says of its person, as bits of one integer: a person is
# counted for a code when any of their rows sets its bit (BIT_OR per person). IN3/IN4
# go by the youngest age at a referral in P: IN3 when any referral row was at most 24,
# IN4 when the person was referred in P (REF) and none was.
_SOURCES = {
    "referrals": {
        "IN1": "income_support = 'EB_ARBETSLOSHET'",
        "IN2": "income_support IN ('EB_ARBETSLOSHET', 'EB_ANNAT')",
        "IN3": "age_at_referral <= 24",
        "REF": "1 = 1",
    },
    "overlapping": {
        "AKT1": "state = 'kartlaggning'",
        "AKT2": "state = 'arbetstraning'",
        "AKT3": "state = 'arbetspraktik'",
        "AKT4": "state = 'anstallning'",
        "AKT5": f"state = '{ENROLMENT}'",
        "UT1": "state IN ('arbetspraktik', 'anstallning') AND kommunal = %(kommunal)s",
        "UT5": "1 = 1",
    },
    "exits": {
        "UT2": "exit_reason = 'ARBETE'",
        "UT3": "exit_reason = 'STUDIER'",
        "UT4": "exit_reason IN ('AF', 'FK', 'SOCIALTJANST')",
    },
    "due": {"UT6": "outcome = 1"},
    "overstays": {"OVERSTAY": "1 = 1"},
}
_BIT = {code: 1 << i for i, code in enumerate(c for codes in _SOURCES.values() for c in codes)}
_PERSON_TEST = {code: f"(mask & {bit}) <> 0" for code, bit in _BIT.items() if code != "REF"}
_PERSON_TEST["IN4"] = f"(mask & {_BIT['REF']}) <> 0 AND (mask & {_BIT['IN3']}) = 0"
PERSON_CODES = list(_PERSON_TEST)
# Counted per row, not per person: K1 per exit, UT6 due/missing per ended spell. The
# sources are read again under their own names, each CTE once, so PostgreSQL inlines
# them all and may scan in parallel.
_ROW_COUNTS = {
    "exit_rows": {
        "K1_exits": "exit_reason <> %(ej_aktuell)s",
        "K1_work_or_study": "exit_reason IN ('ARBETE', 'STUDIER')",
    },
    "due_rows": {"UT6_due": "1 = 1", "UT6_missing": "outcome IS NULL"},
}
ROW_CODES = [code for codes in _ROW_COUNTS.values() for code in codes]
# BIT_OR is PostgreSQL's; SQLite adds up the MAX of each bit, which is the same number.
_BIT_OR = {
    "postgresql": "BIT_OR(mask)",
    "sqlite": " + ".join(f"MAX(mask & {bit})" for bit in _BIT.values()),
}


def _when(condition: str, then: str) -> str:
    return f"CASE WHEN {condition} THEN {then} ELSE 0 END"


def person_rows_sql(params: dict, cid: str = "") -> str:
    """The UNION of the sources, one row (pno, pid, gender[, cid], mask) per fact."""
    params.update(ej_aktuell=EJ_AKTUELL, kommunal=True)
    key = ", cid" if cid else ""
    due_key = ", case_id" if cid else ""
    parts = [
        f"SELECT pno, pid, gender{due_key if source == 'due' else key}, "
        f"{' + '.join(_when(e, str(_BIT[c])) for c, e in exprs.items())} "
        f"FROM {source}"
        for source, exprs in _SOURCES.items()
    ]
    return "\n        UNION ALL ".join(parts)


def _persons_sql(periods: Sequence[Period], filters: Filters, as_of, params: dict) -> str:
    """CTE `persons`: one row per period and person in any source, with the bits of their
    codes in that period."""
    return f"""
    WITH {_base_ctes(periods, filters, as_of, params)},
    person_rows (pno, pid, gender, mask) AS (
        {person_rows_sql(params)}
    ),
    persons AS (
        SELECT pno, pid, gender, {_BIT_OR[connection.vendor]} AS mask
        FROM person_rows GROUP BY pno, pid, gender
    )"""


def count_rows(
    periods: Sequence[Period], *, filters: Filters = NO_FILTERS, as_of=None
) -> list[list[tuple]]:
    """Per period, rows (code, total, K, M, X) of the counts; one query for them all."""
    params: dict = {}
    codes = [*PERSON_CODES, *ROW_CODES]
    # Persons by period, gender and set of codes (few rows), then the per-row counts.
    cells = [_when(test, "n") for test in _PERSON_TEST.values()] + ["0"] * len(ROW_CODES)
    named = ", ".join(f"{cell} AS c{i}" for i, cell in enumerate(cells))
    branches = [
        f"SELECT pno, gender, {named} FROM (SELECT pno, gender, mask, COUNT(*) AS n "
        "FROM persons GROUP BY pno, gender, mask) masks"
    ]
    for source, counts in _ROW_COUNTS.items():
        row = dict.fromkeys(codes, "0") | {c: _when(e, "1") for c, e in counts.items()}
        branches.append(f"SELECT pno, gender, {', '.join(row.values())} FROM {source}")
    sums = ", ".join(f"SUM(c{i})" for i in range(len(codes)))
    union = "\n        UNION ALL ".join(branches)
    sql = (
        _persons_sql(periods, filters, as_of, params)
        + f"""
    SELECT pno, gender, {sums} FROM (
        {union}
    ) counted GROUP BY pno, gender"""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {(row[0], row[1]): [int(n or 0) for n in row[2:]] for row in cursor.fetchall()}
    out = []
    for k in range(len(periods)):
        per_gender = [found.get((k, g), [0] * len(codes)) for g in GENDERS]
        out.append(
            [
                (code, sum(col), *col)
                for code, col in zip(codes, zip(*per_gender, strict=True), strict=True)
            ]
        )
    return out


def person_ids(
    period: Period, code: str, gender: str | None, *, filters: Filters = NO_FILTERS, as_of=None
) -> list[int]:
    """The participants behind one cell of the report (drill-down), in one query."""
    if code not in _PERSON_TEST:
        raise ValueError(f"not a person indicator: {code}")
    params: dict = {"gender": gender}
    sql = _persons_sql([period], filters, as_of, params) + (
        f"\n    SELECT pid FROM persons WHERE {_PERSON_TEST[code]}"
        + (" AND gender = %(gender)s" if gender else "")
        + " ORDER BY pid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def median_rows(
    periods: Sequence[Period], *, filters: Filters = NO_FILTERS, as_of=None
) -> list[list[tuple]]:
    """Per period, rows (group, median days) for K2, group 'total' or a gender; one query."""
    params: dict = {}
    first, spells, scope = _source(periods, filters, as_of, params)
    days = _date_sql("days", "s.first_insats_on", "s.referred_on")
    # One row per case whose first insats starts in P: its referral spell carries the
    # first insats date (casework.projections). The lead times are few distinct day
    # counts, so the median is read off their histogram: the value at rank (n + 1) / 2
    # and at rank (n + 2) / 2, averaged.
    histogram = each_period(
        periods,
        f"""SELECT s.gender, {days} AS days, COUNT(*) AS cnt
        FROM {spells} s
        WHERE s.state = 'aktualisering' AND {scope.format(a="s")}
          AND s.first_insats_on BETWEEN %(p_start)s AND %(p_end)s
        GROUP BY s.gender, {days}""",
    )
    sql = f"""
    WITH {first}
    histogram AS (
        {histogram}
    ),
    grouped AS (
        SELECT pno, 'total' AS grp, days, SUM(cnt) AS cnt FROM histogram GROUP BY pno, days
        UNION ALL SELECT pno, gender, days, cnt FROM histogram
    ),
    ranked AS (
        SELECT pno, grp, days, CAST(cnt AS BIGINT) AS cnt,
               CAST(SUM(cnt) OVER (PARTITION BY pno, grp ORDER BY days) AS BIGINT) AS upto,
               CAST(SUM(cnt) OVER (PARTITION BY pno, grp) AS BIGINT) AS n
        FROM grouped
    ),
    middle AS (
        SELECT pno, grp, days FROM ranked
        WHERE upto - cnt < (n + 1) / 2 AND (n + 1) / 2 <= upto
        UNION ALL
        SELECT pno, grp, days FROM ranked
        WHERE upto - cnt < (n + 2) / 2 AND (n + 2) / 2 <= upto
    )
    SELECT pno, grp, AVG(days) FROM middle GROUP BY pno, grp"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [[(grp, median) for pno, grp, median in rows if pno == k] for k in range(len(periods))]
