"""Reads of the API, all through the one scoping rule `visible_cases` (S1; issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Exists, OuterRef

from audit.chain import kind_of
from audit.models import ChainEntry
from casework.models import INSATS_STATES, Attendance, State, Transition
from casework.prepared import Marker, Prepared, prepare
from casework.selectors import compiled_for, visible_cases

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ATTENDANCE_WEEKS = 12
EVENT_PAGE = 100


# The columns the answer needs, read as values: no model instances, three tables.
_CASE_FIELDS = (
    "pk",
    "participant_id",
    "programme__code",
    "programme__tracks_attendance",
    "state",
    "state_since",
    "referred_on",
    "exit_reason",
)


# The participation query, compiled once per client (`compiled_for`): building it cost
# two thirds of the read's CPU.
_ANY_PERSON = "\x00personnummer"


def _participation_query(user: User) -> Prepared:
    def build(alias: str) -> Prepared:
        query = (
            visible_cases(user)
            .filter(participant__personnummer=_ANY_PERSON)
            .order_by("referred_on", "pk")
            .values(*_CASE_FIELDS)
        )
        return prepare(query, alias, Marker("personnummer", _ANY_PERSON))

    return compiled_for(user, "participation", build)


def participation(user: User, canonical: str) -> dict[str, Any] | None:
    """The person's cases in the client's unit, or None: not referred by this unit.

    One query for the cases (through `visible_cases`, compiled once above), and one for
    attendance only when a case's programme tracks it.
    """
    cases = _participation_query(user).rows(personnummer=canonical)
    if not cases:
        return None
    tracked = [c["pk"] for c in cases if c["programme__tracks_attendance"]]
    weeks: dict[int, list[dict[str, Any]]] = {pk: [] for pk in tracked}
    if tracked:
        rows = Attendance.objects.filter(case__in=tracked).order_by("case_id", "-week")
        for case_id, week, days in rows.values_list("case_id", "week", "days_present"):
            if len(weeks[case_id]) < ATTENDANCE_WEEKS:
                weeks[case_id].append({"week": week, "days_present": days})
    statuses = [_case_status(c, weeks.get(c["pk"])) for c in cases]
    closed = [c for c in cases if c["state"] == State.AVSLUTAD]
    latest = max(closed, key=lambda c: (c["state_since"], c["pk"]), default=None)
    return {
        "personnummer": canonical,
        "participant_id": cases[0]["participant_id"],
        "in_insats": any(r["in_insats"] for r in statuses),
        "cases": statuses,
        "latest_exit": None
        if latest is None
        else {
            "case_id": latest["pk"],
            "programme": latest["programme__code"],
            "on": latest["state_since"],
            "reason": latest["exit_reason"],
        },
    }


def _case_status(case: dict[str, Any], attendance: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "case_id": case["pk"],
        "programme": case["programme__code"],
        "state": case["state"],
        "in_insats": case["state"] in INSATS_STATES,
        "since": case["state_since"],
        "referred_on": case["referred_on"],
        "attendance": attendance,
    }


def event_type(row: Transition) -> str:
    if not row.from_state:
        return "referral.registered"
    if row.to_state == State.AVSLUTAD:
        return "case.exited"
    return "insats.started"


def events(user: User, *, after: int, limit: int = EVENT_PAGE) -> tuple[list[dict[str, Any]], int]:
    """Journal transitions in scope after the cursor, in chain order.

    The cursor is the audit log's `seq`, which the sealer gives committed entries under
    its lock, held until the block commits (audit.sealer, ADR 0109): a later block never
    gets a smaller seq, so a follower that stores the last cursor misses nothing. The feed
    only reads: it lists sealed transitions, and sealing is the sealer's (after the
    writer's commit, and `manage.py seal_audit --loop` every second), so a transition
    shows once its block is sealed, normally within a second of its commit.
    """
    in_scope = Transition.objects.filter(pk=OuterRef("object_id"), case__in=visible_cases(user))
    sealed = ChainEntry.objects.filter(kind=kind_of(Transition), seq__gt=after)  # seq set
    links = cast(
        list[tuple[int, int]],
        list(
            sealed.filter(Exists(in_scope)).order_by("seq").values_list("seq", "object_id")[:limit]
        ),
    )
    rows = Transition.objects.select_related("case__participant", "case__programme").in_bulk(
        [object_id for _seq, object_id in links]
    )
    page = [_event(seq, rows[object_id]) for seq, object_id in links]
    return page, (links[-1][0] if links else after)


def _event(seq: int, row: Transition) -> dict[str, Any]:
    case = row.case
    return {
        "cursor": seq,
        "journal_id": row.pk,
        "type": event_type(row),
        "case_id": case.pk,
        "participant_id": case.participant_id,
        "personnummer": case.participant.personnummer,
        "programme": case.programme.code,
        "state": row.to_state,
        "effective_on": row.effective_on,
        "recorded_at": row.recorded_at,
        "exit_reason": row.exit_reason,
        "corrects": row.supersedes_id,
    }
