"""The indicator SQL: computed in the database from the journal (indicators.md).

Two queries make a report, whatever the number of participants:

1. `count_rows` — one statement. Common table expressions build the *facts* of the
   period, one row per (indicator code, person, gender, counting key): referrals in P,
   spells from the `Transition` rows (LEAD over the case ordered by effective date and
   seq gives each spell its exclusive end), enrolments, exits and due follow-ups. One
   `GROUP BY code` with conditional aggregation counts distinct keys in total and per
   gender K/M/X. For person indicators the key is the participant, so a person with two
   cases or two events counts once; for K1 it is the exit row (counted per exit); for
   UT6 due/missing it is the ended spell (case and end date).
2. `median_rows` — one statement for K2. The per-case lead times (referral to first
   insats) are ranked per gender and in total with ROW_NUMBER and COUNT windows, and
   AVG over the one or two middle rows is the median, in the database. An even count
   gives the mean of the two middle values (x.5).

Both run on SQLite (3.25+, window functions) and PostgreSQL. The only engine-specific
SQL is date arithmetic (`_DATE_SQL`): a date as the integer YYYYMMDD for whole-year
ages, and the difference of two dates in days.

`as_of`: only rows recorded at or before T, and a row superseded by a correction
recorded at or before T is replaced by that correction (models.Recorded). Without
`as_of` the current rows are those no correction supersedes.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from casework.models import INSATS_STATES
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


def _date_sql(name: str, *args: str) -> str:
    return _DATE_SQL[connection.vendor][name].format(*args)


def _current(table: str, alias: str, as_of: datetime | None) -> str:
    """A FROM item of the rows of `table` that are current (as of T when given)."""
    if as_of is None:
        where = f"NOT EXISTS (SELECT 1 FROM {table} sup WHERE sup.supersedes_id = {alias}.id)"
    else:
        where = (
            f"{alias}.recorded_at <= %(as_of)s AND NOT EXISTS (SELECT 1 FROM {table} sup "
            f"WHERE sup.supersedes_id = {alias}.id AND sup.recorded_at <= %(as_of)s)"
        )
    return f"(SELECT {alias}.* FROM {table} {alias} WHERE {where})"


def _in_list(prefix: str, values, params: dict) -> str:
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f"%({prefix}{i})s")
    return ", ".join(names) or "NULL"


def _base_ctes(period: Period, programme_ids, as_of, params: dict) -> str:
    """Cases in scope, their current transitions as spells, enrolments and exits."""
    ops = connection.ops
    due_low, due_high = follow_up_window(period)
    params.update(
        p_start=ops.adapt_datefield_value(period.start),
        p_end=ops.adapt_datefield_value(period.end),
        due_low=ops.adapt_datefield_value(due_low),
        due_high=ops.adapt_datefield_value(due_high),
    )
    if as_of is not None:
        params["as_of"] = ops.adapt_datetimefield_value(as_of)
    scope = "1 = 1"
    if programme_ids is not None:
        scope = f"c.programme_id IN ({_in_list('prog', programme_ids, params)})"
    return f"""
    cases AS (
        SELECT c.id AS case_id, c.participant_id AS pid, p.gender, c.age_at_referral,
               c.income_support
        FROM casework_case c JOIN casework_participant p ON p.id = c.participant_id
        WHERE {scope}
    ),
    trans AS (
        SELECT t.id, t.case_id, t.seq, t.effective_on, t.from_state, t.to_state,
               t.exit_reason, t.workplace_id
        FROM {_current("casework_transition", "t", as_of)} t
        JOIN cases ON cases.case_id = t.case_id
    ),
    spells AS (
        SELECT cases.case_id, cases.pid, cases.gender, trans.to_state AS state,
               trans.workplace_id, trans.effective_on AS s_from,
               LEAD(trans.effective_on) OVER (
                   PARTITION BY trans.case_id ORDER BY trans.effective_on, trans.seq
               ) AS s_to
        FROM trans JOIN cases ON cases.case_id = trans.case_id
    ),
    overlapping AS (
        SELECT * FROM spells
        WHERE s_from <= %(p_end)s
          AND (s_to IS NULL OR (s_to > %(p_start)s AND s_to > s_from))
    ),
    enrolled AS (
        SELECT cases.case_id, cases.pid, cases.gender, e.effective_on AS s_from,
               (SELECT MIN(ee.effective_on)
                FROM {_current("casework_enrolmentend", "ee", as_of)} ee
                WHERE ee.enrolment_id = e.id) AS s_to
        FROM {_current("casework_enrolment", "e", as_of)} e
        JOIN cases ON cases.case_id = e.case_id
    ),
    enrolled_in_p AS (
        SELECT * FROM enrolled
        WHERE s_from <= %(p_end)s
          AND (s_to IS NULL OR (s_to > %(p_start)s AND s_to > s_from))
    ),
    referrals AS (
        SELECT cases.*, trans.effective_on
        FROM trans JOIN cases ON cases.case_id = trans.case_id
        WHERE trans.from_state = '' AND trans.to_state = 'aktualisering'
          AND trans.effective_on BETWEEN %(p_start)s AND %(p_end)s
    ),
    first_referral AS (
        SELECT pid, gender, MIN(age_at_referral) AS age
        FROM referrals GROUP BY pid, gender
    ),
    exits AS (
        SELECT cases.pid, cases.gender, trans.id, trans.exit_reason
        FROM trans JOIN cases ON cases.case_id = trans.case_id
        WHERE trans.to_state = 'avslutad'
          AND trans.effective_on BETWEEN %(p_start)s AND %(p_end)s
    ),
    due AS (
        SELECT s.case_id, s.pid, s.gender, s.s_to,
               (SELECT MAX(CASE WHEN f.receives_eb THEN 1 ELSE 0 END)
                FROM {_current("casework_followup", "f", as_of)} f
                WHERE f.case_id = s.case_id AND f.spell_ended_on = s.s_to) AS outcome
        FROM spells s
        WHERE s.state = 'anstallning' AND s.s_to > s.s_from
          AND s.s_to BETWEEN %(due_low)s AND %(due_high)s
    )"""


def _facts(params: dict) -> str:
    """One row per (code, pid, gender, key) that an indicator counts."""
    pid = "CAST(pid AS TEXT)"
    params.update(ej_aktuell=EJ_AKTUELL)
    parts = [
        f"SELECT 'IN1', pid, gender, {pid} FROM referrals WHERE income_support = 'EB_ARBETSLOSHET'",
        f"SELECT 'IN2', pid, gender, {pid} FROM referrals "
        "WHERE income_support IN ('EB_ARBETSLOSHET', 'EB_ANNAT')",
        f"SELECT 'IN3', pid, gender, {pid} FROM first_referral WHERE age <= 24",
        f"SELECT 'IN4', pid, gender, {pid} FROM first_referral WHERE age >= 25",
        f"SELECT 'AKT1', pid, gender, {pid} FROM overlapping WHERE state = 'kartlaggning'",
        f"SELECT 'AKT2', pid, gender, {pid} FROM overlapping WHERE state = 'arbetstraning'",
        f"SELECT 'AKT3', pid, gender, {pid} FROM overlapping WHERE state = 'arbetspraktik'",
        f"SELECT 'AKT4', pid, gender, {pid} FROM overlapping WHERE state = 'anstallning'",
        f"SELECT 'AKT5', pid, gender, {pid} FROM enrolled_in_p",
        "SELECT 'UT1', o.pid, o.gender, CAST(o.pid AS TEXT) FROM overlapping o "
        "JOIN programmes_workplace w ON w.id = o.workplace_id "
        "WHERE o.state IN ('arbetspraktik', 'anstallning') AND w.kommunal = %(kommunal)s",
        f"SELECT 'UT2', pid, gender, {pid} FROM exits WHERE exit_reason = 'ARBETE'",
        f"SELECT 'UT3', pid, gender, {pid} FROM exits WHERE exit_reason = 'STUDIER'",
        f"SELECT 'UT4', pid, gender, {pid} FROM exits "
        "WHERE exit_reason IN ('AF', 'FK', 'SOCIALTJANST')",
        f"SELECT 'UT5', pid, gender, {pid} FROM overlapping "
        "WHERE state IN ('kartlaggning', 'jobbsok', 'arbetstraning', 'arbetspraktik', "
        "'anstallning')",
        f"SELECT 'UT5', pid, gender, {pid} FROM enrolled_in_p",
        f"SELECT 'UT6', pid, gender, {pid} FROM due WHERE outcome = 1",
        "SELECT 'UT6_due', pid, gender, CAST(case_id AS TEXT) || ':' || CAST(s_to AS TEXT) "
        "FROM due",
        "SELECT 'UT6_missing', pid, gender, "
        "CAST(case_id AS TEXT) || ':' || CAST(s_to AS TEXT) FROM due WHERE outcome IS NULL",
        "SELECT 'K1_exits', pid, gender, CAST(id AS TEXT) FROM exits "
        "WHERE exit_reason <> %(ej_aktuell)s",
        "SELECT 'K1_work_or_study', pid, gender, CAST(id AS TEXT) FROM exits "
        "WHERE exit_reason IN ('ARBETE', 'STUDIER')",
    ]
    params["kommunal"] = True
    return "\n        UNION ALL ".join(parts)


def _facts_sql(period: Period, programme_ids, as_of, params: dict) -> str:
    return f"""
    WITH {_base_ctes(period, programme_ids, as_of, params)},
    facts (code, pid, gender, k) AS (
        {_facts(params)}
    )"""


def count_rows(period: Period, *, programme_ids=None, as_of=None) -> list[tuple]:
    """Rows (code, total, K, M, X) of distinct counting keys, in one query."""
    params: dict = {}
    per_gender = ", ".join(
        f"COUNT(DISTINCT CASE WHEN gender = '{g}' THEN k END) AS n_{g}" for g in GENDERS
    )
    sql = (
        _facts_sql(period, programme_ids, as_of, params)
        + f"\n    SELECT code, COUNT(DISTINCT k) AS total, {per_gender} FROM facts GROUP BY code"
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
    days = _date_sql("days", "fi.started_on", "fi.referred_on")
    insats = _in_list("k2_insats", INSATS_STATES, params)
    # One grouped pass over the transitions: joining the CTEs to each other again made
    # PostgreSQL loop over them, quadratic in the number of cases.
    sql = f"""
    WITH {_base_ctes(period, programme_ids, as_of, params)},
    lead_times AS (
        SELECT gender, {days} AS days
        FROM (
            SELECT cases.gender,
                   MIN(CASE WHEN trans.to_state IN ({insats})
                       THEN trans.effective_on END) AS started_on,
                   MIN(CASE WHEN trans.from_state = '' AND trans.to_state = 'aktualisering'
                       THEN trans.effective_on END) AS referred_on
            FROM trans JOIN cases ON cases.case_id = trans.case_id
            GROUP BY trans.case_id, cases.gender
        ) fi
        WHERE fi.started_on BETWEEN %(p_start)s AND %(p_end)s
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
