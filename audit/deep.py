"""`verify_audit --deep`: the projections recomputed from the journal (issue 17 item 8).

The chain proves the journal rows; the board's numbers are read from projections of
them, which a raw UPDATE could change without touching a chained row. Each check below
recomputes one projection in the database and names what differs:

- `casework_spell` against `casework.projections.spells_sql` (the one derivation);
- `case.state`, `exit_reason` and `state_since` against the case's last current
  transition (journal order: effective date, then seq);
- `participant.gender` and `skyddad_identitet` against the person's latest chained
  `ParticipantFact` of each;
- the indicator summary of each built tertial against its derivation, and its kinds
  against its rows (`casework.indicators.summary.problems`).

Each check is one or two aggregate queries; at most LIMIT ids are named per check.
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from casework.projections import SPELL_COLUMNS, current, spells_sql
from casework.rules import CASE_LIMIT

LIMIT = 20


def _ids(sql: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {LIMIT}")
        return [row[0] if len(row) == 1 else row for row in cursor.fetchall()]


def _scalar(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def spell_problems() -> list[str]:
    derived = f"SELECT * FROM ({spells_sql()}) derived"
    # The case's own limit has a row of its own (Sikta) that the journal's spells don't give;
    # its deadline, like every spell's, comes from the rules (casework.deadlines).
    stored = f"SELECT {SPELL_COLUMNS} FROM casework_spell WHERE state <> '{CASE_LIMIT}'"
    cases = _ids(
        f"SELECT case_id FROM ({stored} EXCEPT {derived}) a "
        f"UNION SELECT case_id FROM ({derived} EXCEPT {stored}) b ORDER BY 1"
    )
    problems = [
        _("casework_spell: ärende %(id)s stämmer inte med journalen") % {"id": case_id}
        for case_id in cases
    ]
    counts = (
        _scalar(f"SELECT COUNT(*) FROM casework_spell WHERE state <> '{CASE_LIMIT}'"),
        _scalar(f"SELECT COUNT(*) FROM ({derived}) c"),
    )
    if not problems and counts[0] != counts[1]:
        problems.append(
            _("casework_spell: %(stored)s rader, journalen ger %(derived)s")
            % {"stored": counts[0], "derived": counts[1]}
        )
    return problems


_CASE_SQL = f"""
    SELECT c.id, l.to_state, l.exit_reason, l.effective_on
    FROM casework_case c
    LEFT JOIN (
        SELECT t.case_id, t.to_state, t.exit_reason, t.effective_on,
               ROW_NUMBER() OVER (
                   PARTITION BY t.case_id ORDER BY t.effective_on DESC, t.seq DESC
               ) AS rn
        FROM {current("casework_transition", "t", None)} t
    ) l ON l.case_id = c.id AND l.rn = 1
    WHERE l.case_id IS NULL OR l.to_state <> c.state OR l.exit_reason <> c.exit_reason
       OR l.effective_on <> c.state_since
    ORDER BY c.id"""


def case_problems() -> list[str]:
    return [
        _(
            "ärende %(id)s: status, avslutsorsak eller statusdatum stämmer inte med journalen "
            "(journalen: %(state)s %(reason)s %(on)s)"
        )
        % {"id": pk, "state": state or "–", "reason": reason or "", "on": on or ""}
        for pk, state, reason, on in _ids(_CASE_SQL)
    ]


_STORED = {
    "gender": "p.gender",
    "skyddad_identitet": "CASE WHEN p.skyddad_identitet THEN '1' ELSE '0' END",
}


def _participant_sql(field: str) -> str:
    return f"""
        SELECT p.id FROM casework_participant p
        LEFT JOIN (
            SELECT f.participant_id, f.value,
                   ROW_NUMBER() OVER (PARTITION BY f.participant_id ORDER BY f.id DESC) AS rn
            FROM casework_participantfact f WHERE f.field = '{field}'
        ) l ON l.participant_id = p.id AND l.rn = 1
        WHERE l.value IS NULL OR l.value <> {_STORED[field]}
        ORDER BY p.id"""


def participant_problems() -> list[str]:
    labels = {"gender": _("kön"), "skyddad_identitet": _("skyddad identitet")}
    return [
        _("deltagare %(id)s: %(field)s stämmer inte med journalen")
        % {"id": pk, "field": labels[field]}
        for field in _STORED
        for pk in _ids(_participant_sql(field))
    ]


def check() -> list[str]:
    """Every projection that differs from what the journal gives, named."""
    from casework.indicators import summary

    return [*spell_problems(), *case_problems(), *participant_problems(), *summary.problems()]
