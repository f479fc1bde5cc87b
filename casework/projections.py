"""Projections of the journal that the domain layer keeps for fast reads (docs/adr/0104).

`Spell`: one row per spell of a case, `[start_on, end_on)`, derived from the current
`Transition` rows by LEAD over the case in journal order. `SPELLS_SQL` is the one text of
that derivation: `refresh_spells` runs it for the cases it is given, and the indicator
report's `as_of` path runs it over the journal as recorded at T. Every writer of a
`Transition` row calls `refresh_spells` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction

from .models import INSATS_STATES

SPELL_COLUMNS = (
    "case_id, participant_id, programme_id, gender, state, workplace_id, exit_reason, "
    "start_on, end_on, referred_on, first_insats_on"
)
_INSATS = ", ".join(f"'{state}'" for state in INSATS_STATES)
# The referral is the case's first transition; K2 reads its date and the first insats'
# start from any spell of the case without looking for the others.
SPELLS_SQL = f"""
    SELECT t.case_id, c.participant_id, c.programme_id, p.gender, t.to_state,
           t.workplace_id, t.exit_reason, t.effective_on,
           LEAD(t.effective_on) OVER journal,
           FIRST_VALUE(t.effective_on) OVER journal,
           MIN(CASE WHEN t.to_state IN ({_INSATS}) THEN t.effective_on END)
               OVER (PARTITION BY t.case_id)
    FROM {{transitions}} t
    JOIN casework_case c ON c.id = t.case_id
    JOIN casework_participant p ON p.id = c.participant_id
    WHERE {{where}}
    WINDOW journal AS (PARTITION BY t.case_id ORDER BY t.effective_on, t.seq)"""
# SQLite's historical limit on bound parameters is 999.
_CHUNK = 900


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


def spells_sql(as_of: datetime | None = None, where: str = "1 = 1") -> str:
    """The spells of the current transitions (as of T), for the cases `where` selects."""
    return SPELLS_SQL.format(transitions=current("casework_transition", "t", as_of), where=where)


def refresh_spells(case_ids: Iterable[int]) -> None:
    """Rewrite the spell rows of these cases from their current transitions."""
    ids = sorted(set(case_ids))
    insert = f"INSERT INTO casework_spell ({SPELL_COLUMNS})"
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM casework_spell WHERE case_id IN ({marks})", chunk)
            cursor.execute(insert + spells_sql(where=f"t.case_id IN ({marks})"), chunk)


def refresh_all_spells() -> None:
    """Rebuild the whole projection in one statement (migration, bulk load)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_spell")
        cursor.execute(f"INSERT INTO casework_spell ({SPELL_COLUMNS})" + spells_sql())
