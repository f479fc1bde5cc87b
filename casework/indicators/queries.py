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
   insats) are ranked per gender and in total with ROW_NUMBER and COUNT windows, and
   AVG over the one or two middle rows is the median, in the database. An even count
   gives the mean of the two middle values (x.5).

The spells come from the `Spell` projection (casework.projections), read through its
indexes with the period's bounds, so a report touches the rows of P and not the whole
journal. `as_of` replays the journal instead: only rows recorded at or before T, and a
row superseded by a correction recorded at or before T is replaced by that correction
(models.Recorded); the spells are then derived by the projection's own SQL
(`projections.spells_sql`) in a CTE with the same columns, and the rest of the
statement is the same text.

Both run on SQLite (3.25+, window functions) and PostgreSQL. The only engine-specific
SQL is the difference of two dates in days (`_DATE_SQL`).
"""

from __future__ import annotations

from django.db import connection

from casework.models import INSATS_STATES
from casework.projections import SPELL_COLUMNS, current, spells_sql
from casework.rules import EJ_AKTUELL

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
# and the exit.
_ACTIVE = "'kartlaggning', 'jobbsok', 'arbetstraning', 'arbetspraktik', 'anstallning'"


def _date_sql(name: str, *args: str) -> str:
    return _DATE_SQL[connection.vendor][name].format(*args)


def _in_list(prefix: str, values, params: dict) -> str:
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f"%({prefix}{i})s")
    return ", ".join(names) or "NULL"


def _source(period: Period, programme_ids, as_of, params: dict) -> tuple[str, str, str]:
    """(CTEs that must come first, the spell table to read, the programme scope on `{a}`)."""
    ops = connection.ops
    due_low, due_high = follow_up_window(period)
    params.update(
        p_start=ops.adapt_datefield_value(period.start),
        p_end=ops.adapt_datefield_value(period.end),
        due_low=ops.adapt_datefield_value(due_low),
        due_high=ops.adapt_datefield_value(due_high),
    )
    scope = "1 = 1"
    if programme_ids is not None:
        scope = f"{{a}}.programme_id IN ({_in_list('prog', programme_ids, params)})"
    if as_of is None:
        return "", "casework_spell", scope
    params["as_of"] = ops.adapt_datetimefield_value(as_of)
    return f"replayed ({SPELL_COLUMNS}) AS ({spells_sql(as_of)}),", "replayed", scope


def _base_ctes(period: Period, programme_ids, as_of, params: dict) -> str:
    """Spells overlapping P, enrolments, referrals, exits and due follow-ups."""
    first, spells, scope = _source(period, programme_ids, as_of, params)
    return f"""{first}
    overlapping AS (
        SELECT s.participant_id AS pid, s.gender, s.state, s.workplace_id
        FROM {spells} s
        WHERE s.state IN ({_ACTIVE}) AND {scope.format(a="s")} AND s.start_on <= %(p_end)s
          AND (s.end_on IS NULL OR (s.end_on > %(p_start)s AND s.end_on > s.start_on))
    ),
    enrolled_in_p AS (
        SELECT c.participant_id AS pid, p.gender
        FROM {current("casework_enrolment", "e", as_of)} e
        JOIN casework_case c ON c.id = e.case_id
        JOIN casework_participant p ON p.id = c.participant_id
        LEFT JOIN (
            SELECT ee.enrolment_id, MIN(ee.effective_on) AS end_on
            FROM {current("casework_enrolmentend", "ee", as_of)} ee
            GROUP BY ee.enrolment_id
        ) ends ON ends.enrolment_id = e.id
        WHERE {scope.format(a="c")} AND e.effective_on <= %(p_end)s
          AND (ends.end_on IS NULL
               OR (ends.end_on > %(p_start)s AND ends.end_on > e.effective_on))
    ),
    referrals AS (
        SELECT s.participant_id AS pid, s.gender, c.income_support, c.age_at_referral
        FROM {spells} s JOIN casework_case c ON c.id = s.case_id
        WHERE s.state = 'aktualisering' AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s
    ),
    first_referral AS (
        SELECT pid, gender, MIN(age_at_referral) AS age
        FROM referrals GROUP BY pid, gender
    ),
    exits AS (
        SELECT s.participant_id AS pid, s.gender, s.case_id, s.exit_reason
        FROM {spells} s
        WHERE s.state = 'avslutad' AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s
    ),
    due AS (
        SELECT s.case_id, s.participant_id AS pid, s.gender, s.end_on, f.outcome
        FROM {spells} s
        LEFT JOIN (
            SELECT f.case_id, f.spell_ended_on,
                   MAX(CASE WHEN f.receives_eb THEN 1 ELSE 0 END) AS outcome
            FROM {current("casework_followup", "f", as_of)} f
            WHERE f.spell_ended_on BETWEEN %(due_low)s AND %(due_high)s
            GROUP BY f.case_id, f.spell_ended_on
        ) f ON f.case_id = s.case_id AND f.spell_ended_on = s.end_on
        WHERE s.state = 'anstallning' AND {scope.format(a="s")} AND s.end_on > s.start_on
          AND s.end_on BETWEEN %(due_low)s AND %(due_high)s
    )"""


def _facts(params: dict) -> str:
    """One row per (code, pid, gender, key, key date) that an indicator counts."""
    params.update(ej_aktuell=EJ_AKTUELL, kommunal=True)
    person = "pid, gender, pid, CAST(NULL AS DATE)"
    parts = [
        f"SELECT 'IN1', {person} FROM referrals WHERE income_support = 'EB_ARBETSLOSHET'",
        f"SELECT 'IN2', {person} FROM referrals "
        "WHERE income_support IN ('EB_ARBETSLOSHET', 'EB_ANNAT')",
        f"SELECT 'IN3', {person} FROM first_referral WHERE age <= 24",
        f"SELECT 'IN4', {person} FROM first_referral WHERE age >= 25",
        f"SELECT 'AKT1', {person} FROM overlapping WHERE state = 'kartlaggning'",
        f"SELECT 'AKT2', {person} FROM overlapping WHERE state = 'arbetstraning'",
        f"SELECT 'AKT3', {person} FROM overlapping WHERE state = 'arbetspraktik'",
        f"SELECT 'AKT4', {person} FROM overlapping WHERE state = 'anstallning'",
        f"SELECT 'AKT5', {person} FROM enrolled_in_p",
        "SELECT 'UT1', o.pid, o.gender, o.pid, CAST(NULL AS DATE) FROM overlapping o "
        "JOIN programmes_workplace w ON w.id = o.workplace_id "
        "WHERE o.state IN ('arbetspraktik', 'anstallning') AND w.kommunal = %(kommunal)s",
        f"SELECT 'UT2', {person} FROM exits WHERE exit_reason = 'ARBETE'",
        f"SELECT 'UT3', {person} FROM exits WHERE exit_reason = 'STUDIER'",
        f"SELECT 'UT4', {person} FROM exits WHERE exit_reason IN ('AF', 'FK', 'SOCIALTJANST')",
        f"SELECT 'UT5', {person} FROM overlapping",
        f"SELECT 'UT5', {person} FROM enrolled_in_p",
        f"SELECT 'UT6', {person} FROM due WHERE outcome = 1",
        "SELECT 'UT6_due', pid, gender, case_id, end_on FROM due",
        "SELECT 'UT6_missing', pid, gender, case_id, end_on FROM due WHERE outcome IS NULL",
        "SELECT 'K1_exits', pid, gender, case_id, CAST(NULL AS DATE) FROM exits "
        "WHERE exit_reason <> %(ej_aktuell)s",
        "SELECT 'K1_work_or_study', pid, gender, case_id, CAST(NULL AS DATE) FROM exits "
        "WHERE exit_reason IN ('ARBETE', 'STUDIER')",
    ]
    return "\n        UNION ALL ".join(parts)


def _facts_sql(period: Period, programme_ids, as_of, params: dict) -> str:
    return f"""
    WITH {_base_ctes(period, programme_ids, as_of, params)},
    facts (code, pid, gender, k, k_on) AS (
        {_facts(params)}
    )"""


def count_rows(period: Period, *, programme_ids=None, as_of=None) -> list[tuple]:
    """Rows (code, total, K, M, X) of distinct counting keys, in one query."""
    params: dict = {}
    # A key belongs to one person, so to one gender: counting the distinct
    # (code, gender, key) rows once gives the total and each gender without a sort per
    # COUNT(DISTINCT ...).
    per_gender = ", ".join(f"COUNT(CASE WHEN gender = '{g}' THEN 1 END)" for g in GENDERS)
    sql = (
        _facts_sql(period, programme_ids, as_of, params)
        + f"""
    SELECT code, COUNT(*), {per_gender}
    FROM (SELECT DISTINCT code, gender, k, k_on FROM facts) distinct_facts
    GROUP BY code"""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def person_ids(
    period: Period, code: str, gender: str | None, *, programme_ids=None, as_of=None
) -> list[int]:
    """The participants behind one cell of the report (drill-down), in one query."""
    params: dict = {"code": code, "gender": gender}
    sql = _facts_sql(period, programme_ids, as_of, params) + (
        "\n    SELECT DISTINCT pid FROM facts WHERE code = %(code)s"
        + (" AND gender = %(gender)s" if gender else "")
        + " ORDER BY pid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def median_rows(period: Period, *, programme_ids=None, as_of=None) -> list[tuple]:
    """Rows (group, median days) for K2, group 'total' or a gender, in one query."""
    params: dict = {}
    first, spells, scope = _source(period, programme_ids, as_of, params)
    insats = _in_list("k2_insats", INSATS_STATES, params)
    days = _date_sql("days", "fi.start_on", "r.start_on")
    # Cases whose first insats starts in P: an insats spell starting in P with no
    # earlier insats spell of the case (two starting the same day are one case).
    sql = f"""
    WITH {first}
    first_insats AS (
        SELECT DISTINCT s.case_id, s.gender, s.start_on
        FROM {spells} s
        WHERE s.state IN ({insats}) AND {scope.format(a="s")}
          AND s.start_on BETWEEN %(p_start)s AND %(p_end)s
          AND NOT EXISTS (
              SELECT 1 FROM {spells} e
              WHERE e.case_id = s.case_id AND e.start_on < s.start_on
                AND e.state IN ({insats})
          )
    ),
    lead_times AS (
        SELECT fi.gender, {days} AS days
        FROM first_insats fi
        JOIN {spells} r ON r.case_id = fi.case_id AND r.state = 'aktualisering'
    ),
    grouped AS (
        SELECT 'total' AS grp, days FROM lead_times
        UNION ALL SELECT gender, days FROM lead_times
    ),
    ranked AS (
        SELECT grp, days,
               ROW_NUMBER() OVER (PARTITION BY grp ORDER BY days) AS rn,
               COUNT(*) OVER (PARTITION BY grp) AS n
        FROM grouped
    )
    SELECT grp, AVG(days) FROM ranked
    WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2
    GROUP BY grp"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
