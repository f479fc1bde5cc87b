"""The indicator SQL: computed in the database from the journal (indicators.md).

Two queries make a report, whatever the number of participants:

1. `count_rows` — one statement. Common table expressions build the *facts* of the
   period, one row per (indicator code, person, gender, counting key): referrals in P,
   spells overlapping P, enrolments, exits and due follow-ups. The distinct facts are
   then counted per code, in total and per gender K/M/X. For person indicators the key
   is the participant, so a person with two cases or two events counts once; for K1 it
   is the exiting case (a case exits once); for UT6 due/missing it is the ended spell
   (case and end date).
2. `median_rows` — one statement for K2. The per-case lead times (referral to first
   insats) are counted per number of days, per gender and in total; running sums over
   that histogram find the one or two middle values and AVG of them is the median, in
   the database. An even count gives the mean of the two middle values (x.5).

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
SQL is the difference of two dates in days (`_DATE_SQL`).
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
    # Only these participants' facts; `marked_only`: only those marked in the summary's
    # `SummaryDirty` (casework.indicators.summary).
    participant_ids: Sequence[int] | None = None
    marked_only: bool = False


NO_FILTERS = Filters()


def _scope(filters: Filters, params: dict) -> str:
    """The filters as one condition on the spell alias `{a}` (formatted by the caller)."""
    parts = []
    if filters.programme_ids is not None:
        parts.append(f"{{a}}.programme_id IN ({_in_list('prog', filters.programme_ids, params)})")
    case_filters = [
        f"c.{column} IN ({_in_list(prefix, ids, params)})"
        for column, prefix, ids in (
            ("unit_id", "unit", filters.unit_ids),
            ("home_municipality_id", "muni", filters.municipality_ids),
            ("participant_id", "person", filters.participant_ids),
        )
        if ids is not None
    ]
    if filters.marked_only:
        case_filters.append("c.participant_id IN (SELECT participant_id FROM marked)")
    if case_filters:
        cases = f"SELECT c.id FROM casework_case c WHERE {' AND '.join(case_filters)}"
        parts.append(_among(filters, "{a}.case_id", cases))
    return " AND ".join(parts) or "1 = 1"


def _among(filters: Filters, column: str, cases: str) -> str:
    """`column` among the cases of the subquery. For the persons the summary's keeper
    derives again (500 at most), on PostgreSQL, by the case index: as a semi-join it read
    every spell of P by date and kept theirs (26,000 for 250 persons at 200,000)."""
    if filters.participant_ids is not None and connection.vendor == "postgresql":
        return f"{column} = ANY(ARRAY({cases}))"
    return f"{column} IN ({cases})"


def _source(period: Period, filters: Filters, as_of, params: dict) -> tuple[str, str, str]:
    """(CTEs that must come first, the spell table to read, the case scope on `{a}`)."""
    ops = connection.ops
    due_low, due_high = follow_up_window(period)
    params.update(
        p_start=ops.adapt_datefield_value(period.start),
        p_end=ops.adapt_datefield_value(period.end),
        due_low=ops.adapt_datefield_value(due_low),
        due_high=ops.adapt_datefield_value(due_high),
    )
    scope = _scope(filters, params)
    if as_of is None:
        return "", "casework_spell", scope
    params["as_of"] = ops.adapt_datetimefield_value(as_of)
    return f"replayed ({SPELL_COLUMNS}) AS ({spells_sql(as_of)}),", "replayed", scope


# An open spell, or one that ends after P starts and is not empty. Two conjunctions,
# each a range of one index, where one OR would make PostgreSQL read every spell that
# starts before P ends.
_ENDS_IN_OR_AFTER_P = "s.end_on > %(p_start)s AND s.end_on > s.start_on"


def _overlapping(spells: str, scope: str, ends: str, cid: str = "") -> str:
    return f"""SELECT s.participant_id AS pid, s.gender, s.state, w.kommunal{cid}
        FROM {spells} s LEFT JOIN programmes_workplace w ON w.id = s.workplace_id
        WHERE s.state IN ({_ACTIVE}, '{ENROLMENT}') AND {scope}
          AND s.start_on <= %(p_end)s AND {ends}"""


def _overstays(spells: str, scope: str, cid: str = "") -> str:
    """Persons in a spell, or an open case, on a day of P after its deadline (OVERSTAY).

    The projection keeps each spell's first overstay day (`overstay_from`, from
    casework.rules, docs/adr/0104)."""
    return f"""
        SELECT s.participant_id AS pid, s.gender{cid} FROM {spells} s
        WHERE s.overstay_from IS NOT NULL AND s.overstay_from <= %(p_end)s AND {scope}
          AND (s.end_on IS NULL OR s.end_on > %(p_start)s)
"""


def _overstays_as_of(period: Period, filters: Filters, as_of, scope: str, cid: str = "") -> str:
    """OVERSTAY as of T: the deadlines as they were then, with the extensions recorded by
    T, are the rules' own (casework.deadlines) over the journal as recorded at T; the
    facts are listed as literal rows (integers and a checked gender code only), and the
    report's scope (`{a}` = v) narrows them as it narrows the spells."""
    rows = overstaying_as_of(as_of, period.start, period.end, filters.programme_ids)
    if not rows:
        no_case = ", CAST(NULL AS BIGINT) AS cid" if cid else ""
        return f"""
        SELECT CAST(NULL AS BIGINT) AS pid, CAST(NULL AS VARCHAR(1)) AS gender{no_case}
        WHERE 1 = 0
"""
    values = ", ".join(
        f"({int(pid)}, '{_gender(gender)}', {int(case)}, {int(programme)})"
        for pid, gender, case, programme in rows
    )
    key = ", v.case_id AS cid" if cid else ""
    return f"""
        SELECT v.participant_id AS pid, v.gender{key} FROM (
            SELECT column1 AS participant_id, column2 AS gender, column3 AS case_id,
                   column4 AS programme_id FROM (VALUES {values}) t
        ) v WHERE {scope.format(a="v")}
"""


def _gender(code: str) -> str:
    if code not in GENDERS:
        raise ValueError(f"not a gender code: {code!r}")
    return code


def _followups_of_persons(filters: Filters, params: dict) -> str:
    """For the summary's keeper, a condition that keeps only its persons' follow-ups: else
    every follow-up due in P's window was grouped for a few persons' exits, in each period
    (12,853 follow-ups for 60 persons at 1,000,000 participants). Their exits come from
    the spells in scope, so the join keeps what it kept."""
    if filters.participant_ids is None:
        return ""
    ids = _in_list("person", filters.participant_ids, params)
    cases = f"SELECT c.id FROM casework_case c WHERE c.participant_id IN ({ids})"
    return f" AND {_among(filters, 'f.case_id', cases)}"


def _base_ctes(period: Period, filters: Filters, as_of, params: dict, cid: str = "") -> str:
    """Spells and enrolments overlapping P, referrals, exits and due follow-ups.

    `cid` (", s.case_id AS cid" or "") adds each fact's case, for the breakdowns."""
    first, spells, scope = _source(period, filters, as_of, params)
    theirs = _followups_of_persons(filters, params)
    exits = f"""
        SELECT s.participant_id AS pid, s.gender, s.exit_reason{cid}
        FROM {spells} s
        WHERE s.state = 'avslutad' AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s
"""
    due = f"""
        SELECT s.case_id, s.participant_id AS pid, s.gender, s.end_on, f.outcome
        FROM {spells} s
        LEFT JOIN (
            SELECT f.case_id, f.spell_ended_on,
                   MAX(CASE WHEN f.receives_eb THEN 1 ELSE 0 END) AS outcome
            FROM {current("casework_followup", "f", as_of)} f
            WHERE f.spell_ended_on BETWEEN %(due_low)s AND %(due_high)s{theirs}
            GROUP BY f.case_id, f.spell_ended_on
        ) f ON f.case_id = s.case_id AND f.spell_ended_on = s.end_on
        WHERE s.state = 'anstallning' AND {scope.format(a="s")} AND s.end_on > s.start_on
          AND s.end_on BETWEEN %(due_low)s AND %(due_high)s
"""
    overstays = (
        _overstays(spells, scope.format(a="s"), cid)
        if as_of is None
        else _overstays_as_of(period, filters, as_of, scope, cid)
    )
    return f"""{first}
    overstays AS ({overstays}    ),
    overlapping AS (
        {_overlapping(spells, scope.format(a="s"), "s.end_on IS NULL", cid)}
        UNION ALL
        {_overlapping(spells, scope.format(a="s"), _ENDS_IN_OR_AFTER_P, cid)}
    ),
    referrals AS (
        SELECT s.participant_id AS pid, s.gender, s.income_support, s.age_at_referral{cid}
        FROM {spells} s
        WHERE s.state = 'aktualisering' AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s
    ),
    exits AS ({exits}    ),
    exit_rows AS ({exits}    ),
    due AS ({due}    ),
    due_rows AS ({due}    )"""


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


def bit_or(expr: str) -> str:
    """The bitwise OR of the codes' bits of `expr` over a group. BIT_OR is PostgreSQL's;
    SQLite adds up the MAX of each bit, which is the same number."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({expr})"
    return "(" + " + ".join(f"MAX(({expr}) & {bit})" for bit in _BIT.values()) + ")"


def _when(condition: str, then: str) -> str:
    return f"CASE WHEN {condition} THEN {then} ELSE 0 END"


def person_rows_sql(params: dict, cid: str = "") -> str:
    """The UNION of the sources, one row (pid, gender[, cid], mask) per fact."""
    params.update(ej_aktuell=EJ_AKTUELL, kommunal=True)
    key = ", cid" if cid else ""
    due_key = ", case_id" if cid else ""
    parts = [
        f"SELECT pid, gender{due_key if source == 'due' else key}, "
        f"{' + '.join(_when(e, str(_BIT[c])) for c, e in exprs.items())} "
        f"FROM {source}"
        for source, exprs in _SOURCES.items()
    ]
    return "\n        UNION ALL ".join(parts)


def _persons_sql(period: Period, filters: Filters, as_of, params: dict) -> str:
    """CTE `persons`: one row per person in any source, with the bits of their codes."""
    return f"""
    WITH {_base_ctes(period, filters, as_of, params)},
    person_rows (pid, gender, mask) AS (
        {person_rows_sql(params)}
    ),
    persons AS (
        SELECT pid, gender, {bit_or("mask")} AS mask
        FROM person_rows GROUP BY pid, gender
    )"""


def counting_sql(
    masks: str, key: str = "", rows: Sequence[str] | None = None, extra: Sequence[str] = ()
) -> str:
    """The final SELECT: per gender (and `key`, a column of `masks`), the count of each
    code. `masks` is a FROM item of rows ([key,] gender, mask, n): n persons of that gender
    with that set of codes; the per-row counts (K1, UT6 due/missing) go beside them, from
    the sources' rows or, given, from `rows`: SELECTs of ['all',] gender, a zero per person
    code and the numbers to add up for `ROW_CODES` and the `extra` codes."""
    codes = [*PERSON_CODES, *ROW_CODES, *extra]
    cells = [_when(test, "n") for test in _PERSON_TEST.values()]
    cells += ["0"] * (len(codes) - len(cells))
    named = ", ".join(f"{cell} AS c{i}" for i, cell in enumerate(cells))
    keyed = f"{key}, " if key else ""
    branches = [f"SELECT {keyed}gender, {named} FROM {masks} masks", *(rows or ())]
    for source, counts in _ROW_COUNTS.items() if rows is None else ():
        row = dict.fromkeys(codes, "0") | {c: _when(e, "1") for c, e in counts.items()}
        total = "'all', " if key else ""
        branches.append(f"SELECT {total}gender, {', '.join(row.values())} FROM {source}")
    sums = ", ".join(f"SUM(c{i})" for i in range(len(codes)))
    union = "\n        UNION ALL ".join(branches)
    return f"""
    SELECT {keyed}gender, {sums} FROM (
        {union}
    ) counted GROUP BY {keyed}gender"""


def code_rows(by_gender: dict[str, list[int]]) -> list[tuple]:
    """Rows (code, total, K, M, X) from {gender: [count per code of `counting_sql`]}."""
    codes = [*PERSON_CODES, *ROW_CODES]
    per_gender = [by_gender.get(g, [0] * len(codes)) for g in GENDERS]
    return [
        (code, sum(col), *col)
        for code, col in zip(codes, zip(*per_gender, strict=True), strict=True)
    ]


def count_rows(period: Period, *, filters: Filters = NO_FILTERS, as_of=None) -> list[tuple]:
    """Rows (code, total, K, M, X) of the counts, from one query."""
    params: dict = {}
    # Persons by gender and set of codes (few rows), then the per-row counts beside them.
    sql = _persons_sql(period, filters, as_of, params) + counting_sql(
        "(SELECT gender, mask, COUNT(*) AS n FROM persons GROUP BY gender, mask)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return code_rows({row[0]: [int(n or 0) for n in row[1:]] for row in cursor.fetchall()})


def person_ids(
    period: Period, code: str, gender: str | None, *, filters: Filters = NO_FILTERS, as_of=None
) -> list[int]:
    """The participants behind one cell of the report (drill-down), in one query."""
    if code not in _PERSON_TEST:
        raise ValueError(f"not a person indicator: {code}")
    params: dict = {"gender": gender}
    sql = _persons_sql(period, filters, as_of, params) + (
        f"\n    SELECT pid FROM persons WHERE {_PERSON_TEST[code]}"
        + (" AND gender = %(gender)s" if gender else "")
        + " ORDER BY pid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def median_rows(period: Period, *, filters: Filters = NO_FILTERS, as_of=None) -> list[tuple]:
    """Rows (group, median days) for K2, group 'total' or a gender, in one query."""
    params: dict = {}
    first, spells, scope = _source(period, filters, as_of, params)
    days = _date_sql("days", "s.first_insats_on", "s.referred_on")
    # One row per case whose first insats starts in P: its referral spell carries the
    # first insats date (casework.projections). The lead times are few distinct day
    # counts, so the median is read off their histogram: the value at rank (n + 1) / 2
    # and at rank (n + 2) / 2, averaged.
    sql = f"""
    WITH {first}
    histogram AS (
        SELECT s.gender, {days} AS days, COUNT(*) AS cnt
        FROM {spells} s
        WHERE s.state = 'aktualisering' AND {scope.format(a="s")}
          AND s.first_insats_on BETWEEN %(p_start)s AND %(p_end)s
        GROUP BY s.gender, {days}
    ),
    grouped AS (
        SELECT 'total' AS grp, days, SUM(cnt) AS cnt FROM histogram GROUP BY days
        UNION ALL SELECT gender, days, cnt FROM histogram
    ),
    ranked AS (
        SELECT grp, days, CAST(cnt AS BIGINT) AS cnt,
               CAST(SUM(cnt) OVER (PARTITION BY grp ORDER BY days) AS BIGINT) AS upto,
               CAST(SUM(cnt) OVER (PARTITION BY grp) AS BIGINT) AS n
        FROM grouped
    ),
    middle AS (
        SELECT grp, days FROM ranked
        WHERE upto - cnt < (n + 1) / 2 AND (n + 1) / 2 <= upto
        UNION ALL
        SELECT grp, days FROM ranked
        WHERE upto - cnt < (n + 2) / 2 AND (n + 2) / 2 <= upto
    )
    SELECT grp, AVG(days) FROM middle GROUP BY grp"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
