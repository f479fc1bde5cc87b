"""Projections of the journal that the domain layer keeps for fast reads (docs/adr/0104).

`Spell`: one row per spell of a case, `[start_on, end_on)`. A state spell comes from the
current `Transition` rows by LEAD over the case in journal order; an enrolment spell
(state `ENROLMENT`) from a current `Enrolment` and its earliest current end.
`spells_sql` is the one text of that derivation: `refresh_spells` runs it for the cases
it is given, and the indicator report's `as_of` path runs it over the journal as
recorded at T. Every writer of a transition or an enrolment row calls `refresh_spells`
in the same transaction; a service writing through its unit of work calls
`refresh_case_spells`, which takes the deadlines from the facts it already holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from django.db import connection, transaction

from .models import INSATS_STATES, Enrolment, EnrolmentEnd, Extension, Transition

if TYPE_CHECKING:
    from .facts import CaseFacts

# The journal rows whose writing changes a case's spells.
SPELL_ROWS = (Transition, Enrolment, EnrolmentEnd, Extension)  # extensions move deadlines
ENROLMENT = "kompetens"  # a kompetenshöjande enrolment beside the state (indicators.md)
SPELL_COLUMNS = (
    "case_id, participant_id, programme_id, gender, state, workplace_id, exit_reason, "
    "start_on, end_on, referred_on, first_insats_on, income_support, age_at_referral, "
    "is_osa, scope"
)
# The whole case has a row of its own (state rules.CASE_LIMIT) where the programme
# limits it, for OVERSTAY; written by write_deadlines.
_INSATS = ", ".join(f"'{state}'" for state in INSATS_STATES)
# The referral is the case's first transition; K2 reads its date and the first insats'
# start from any state spell of the case without looking for the others, and IN1–IN4
# read the case's referral facts from its aktualisering spell without joining the case.
_SPELLS_SQL = f"""
    SELECT t.case_id, c.participant_id, c.programme_id, p.gender, t.to_state,
           t.workplace_id, t.exit_reason, t.effective_on,
           LEAD(t.effective_on) OVER journal,
           FIRST_VALUE(t.effective_on) OVER journal,
           MIN(CASE WHEN t.to_state IN ({_INSATS}) THEN t.effective_on END)
               OVER (PARTITION BY t.case_id),
           c.income_support, c.age_at_referral, t.is_osa, t.scope
    FROM {{transitions}} t
    JOIN casework_case c ON c.id = t.case_id
    JOIN casework_participant p ON p.id = c.participant_id
    WHERE {{t_cases}}
    WINDOW journal AS (PARTITION BY t.case_id ORDER BY t.effective_on, t.seq)
    UNION ALL
    SELECT e.case_id, c.participant_id, c.programme_id, p.gender, '{ENROLMENT}',
           NULL, '', e.effective_on, ends.end_on, NULL, NULL, '', NULL, FALSE, e.scope
    FROM {{enrolments}} e
    JOIN casework_case c ON c.id = e.case_id
    JOIN casework_participant p ON p.id = c.participant_id
    LEFT JOIN (
        SELECT ee.enrolment_id, MIN(ee.effective_on) AS end_on
        FROM {{ends}} ee WHERE {{ee_cases}} GROUP BY ee.enrolment_id
    ) ends ON ends.enrolment_id = e.id
    WHERE {{e_cases}}"""
# Each chunk of case ids is bound three times; SQLite's historical limit is 999.
_CHUNK = 300


def current(table: str, alias: str, as_of: datetime | None) -> str:
    """A FROM item of the rows of `table` that are current (as of T when given)."""
    if as_of is None:
        where = f"NOT EXISTS (SELECT 1 FROM {table} sup WHERE sup.supersedes_id = {alias}.id)"
    else:
        where = (
            f"{alias}.recorded_at <= %(as_of)s AND NOT EXISTS (SELECT 1 FROM {table} sup "
            f"WHERE sup.supersedes_id = {alias}.id AND sup.recorded_at <= %(as_of)s)"
        )
    return f"(SELECT {alias}.* FROM {table} {alias} WHERE {where})"


def spells_sql(as_of: datetime | None = None, cases: str | None = None) -> str:
    """The spells of the current journal (as of T), of the cases `IN (cases)` or all."""
    return _SPELLS_SQL.format(
        transitions=current("casework_transition", "t", as_of),
        enrolments=current("casework_enrolment", "e", as_of),
        ends=current("casework_enrolmentend", "ee", as_of),
        **{
            f"{a}_cases": f"{a}.case_id IN ({cases})" if cases else "1 = 1"
            for a in ("t", "e", "ee")
        },
    )


def refresh_spells(case_ids: Iterable[int]) -> None:
    """Rewrite the spell rows of these cases from their current journal."""
    ids = sorted(set(case_ids))
    insert = f"INSERT INTO casework_spell ({SPELL_COLUMNS})"
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM casework_spell WHERE case_id IN ({marks})", chunk)
            cursor.execute(insert + spells_sql(cases=marks), chunk * 3)
            write_deadlines(cursor, chunk)


def refresh_case_spells(case_id: int, facts: CaseFacts) -> None:
    """Rewrite one case's spell rows in the writing service's transaction: three statements
    and an update per deadline. The spells are `spells_sql`'s; the deadlines come from the
    facts the service holds (current, with the rows it wrote), so nothing is read again.
    Facts out of journal order (a row not appended last) take `refresh_spells`' way."""
    rows = facts.transitions
    if any((a.effective_on, a.seq) > (b.effective_on, b.seq) for a, b in pairwise(rows)):
        refresh_spells([case_id])
        return
    from .deadlines import compute_one

    # The writer's transaction is the unit: no savepoint of its own.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_spell WHERE case_id = %s", [case_id])
        cursor.execute(
            f"INSERT INTO casework_spell ({SPELL_COLUMNS})"
            + spells_sql(cases="%s")
            + " RETURNING id, state, start_on, end_on, participant_id, programme_id, gender",
            [case_id] * 3,
        )
        stored = cursor.fetchall()
        if not stored:
            return
        who = stored[0][4:]
        spells = [(pk, state, _day(start), _day(end)) for pk, state, start, end, *_ in stored]
        _write_deadlines(cursor, *compute_one(case_id, who, facts, spells))


def _day(value: date | str | None) -> date | None:
    """A date column as returned: SQLite's RETURNING gives the stored text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def refresh_all_spells(*, bulk: bool = False) -> None:
    """Rebuild the whole projection (migration, bulk load): the spells in one statement,
    then the deadlines over blocks of case ids, each block read by range in four queries
    and written with the others in one statement at the end.

    `bulk` (bench/bulk_load.py on PostgreSQL, an empty database filled by a trusted
    generator): the report's covering indexes are built once at the end rather than kept
    row by row, and the foreign keys, true by construction of the join, are not checked
    row by row either (session_replication_role, a superuser's setting)."""
    with transaction.atomic(), connection.cursor() as cursor:
        rebuild = _drop_report_indexes(cursor) if bulk else []
        cursor.execute("DELETE FROM casework_spell")
        cursor.execute(f"INSERT INTO casework_spell ({SPELL_COLUMNS})" + spells_sql())
        cursor.execute("SELECT MIN(id), MAX(id) FROM casework_case")
        low, high = cursor.fetchone()
        if low is None:
            return
        blocks = (
            range(b, min(b + _DEADLINE_BLOCK, high + 1))
            for b in range(low, high + 1, _DEADLINE_BLOCK)
        )
        if connection.vendor != "postgresql":
            for block in blocks:
                write_deadlines(cursor, block)
            return
        _copy_deadlines(cursor, blocks)
        for definition in rebuild:
            cursor.execute(definition)


def _drop_report_indexes(cursor) -> list[str]:
    """PostgreSQL: drop the spell table's indexes but its key and case index (the deadline
    blocks read by case), and return the statements that build them again."""
    if connection.vendor != "postgresql":
        return []
    # Checks still pending in this transaction run now (an index cannot be built over a
    # table with pending trigger events); the rows written from here check none.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'casework_spell' "
        "AND indexname <> 'casework_spell_pkey' AND indexdef NOT LIKE '%%btree (case_id)'"
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


_DEADLINE_BLOCK = 5000


def _copy_deadlines(cursor, blocks: Iterable[range]) -> None:
    """PostgreSQL: every block's deadlines COPYed into a temporary table, then one UPDATE.
    An UPDATE per spell, or per thousand, took 200 s of the 210 s the refresh of 100,000
    participants cost (15 s of it the rules); the one joined UPDATE takes seconds."""
    from .deadlines import compute

    cursor.execute(
        "CREATE TEMPORARY TABLE spell_deadline (id BIGINT PRIMARY KEY, deadline DATE, "
        "overstay_from DATE) ON COMMIT DROP"
    )
    raw = cursor.cursor  # psycopg's own cursor, for COPY
    columns = (
        "case_id, participant_id, programme_id, gender, state, exit_reason, start_on, end_on, "
        "income_support, is_osa, scope, deadline, overstay_from"
    )
    for block in blocks:
        updates, case_spells = compute(block)
        with raw.copy("COPY spell_deadline (deadline, overstay_from, id) FROM STDIN") as copy:
            for row in updates:
                copy.write_row(row)
        with raw.copy(f"COPY casework_spell ({columns}) FROM STDIN") as copy:
            for row in case_spells:  # the constants of write_deadlines' INSERT
                copy.write_row((*row[:5], "", row[5], row[6], "", False, 100, *row[7:]))
    cursor.execute(
        "UPDATE casework_spell s SET deadline = v.deadline, overstay_from = v.overstay_from "
        "FROM spell_deadline v WHERE s.id = v.id"
    )


def write_deadlines(cursor, case_ids: Sequence[int]) -> None:
    """Each spell's deadline and first overstay day, and a row for the case's own limit,
    from `casework.rules` over the current journal (closed spells keep theirs; OVERSTAY)."""
    from .deadlines import compute

    _write_deadlines(cursor, *compute(case_ids))


def _write_deadlines(cursor, updates: list[tuple], case_spells: list[tuple]) -> None:
    if updates:
        cursor.executemany(
            "UPDATE casework_spell SET deadline = %s, overstay_from = %s WHERE id = %s", updates
        )
    if case_spells:
        cursor.executemany(
            "INSERT INTO casework_spell (case_id, participant_id, programme_id, gender, state, "
            "exit_reason, start_on, end_on, income_support, is_osa, scope, deadline, "
            "overstay_from) VALUES (%s, %s, %s, %s, %s, '', %s, %s, '', FALSE, 100, %s, %s)",
            case_spells,
        )
