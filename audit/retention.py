"""Gallring (R1–R5): remove the identity of persons whose last entry is old enough.

Kept: gender, birth year, unit, programme and every dated event, so each indicator of
each past period stays the same. Removed: personnummer (replaced by a placeholder that
keeps the birth year), names, the exact birth date (→ 1 January of the birth year), and
free text that may identify (note text, reasons, referral text and contact, the
participant's survey answers) — also in the `Historical…` tables. Survey answers,
placements and attendance count as entries (audit.outside_journal).
Access-log rows are kept (L3); they hold ids only.

Journal rows are immutable to the application. Gallring is the one documented bypass
(docs/adr/0102): `_purge_update` runs a plain `QuerySet.update`, not the journal
manager's refusing one. The hash chain does not cover purged text (see audit.chain).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models, transaction
from django.db.models import Max
from django.db.models.functions import TruncDate

from casework.models import (
    OPEN_STATES,
    Case,
    CoachAssignment,
    Extension,
    Note,
    Participant,
    Samrad,
    TargetGroupFacts,
    Transition,
)
from casework.rules import add_months

from . import chain, outside_journal
from .extract import JOURNAL_MODELS
from .models import PurgeRecord

PURGED_TEXT = "[gallrad]"
# model → {field: value after purge}
JOURNAL_TEXT = {
    Note: {"text": PURGED_TEXT},
    Transition: {"reason": ""},
    Samrad: {"note": ""},
    Extension: {"reason": PURGED_TEXT},
    TargetGroupFacts: {"reason": ""},
    CoachAssignment: {"reason": ""},
}
CASE_TEXT = {
    "risk_note": "",
    "referral_reason": "",
    "referring_officer": "",
    "referring_contact": "",
    "shown_name": "",
}


@dataclass
class Candidate:
    participant_id: int
    last_entry: date
    due_on: date  # the day the obligation arose
    overdue: bool  # not purged by the end of the following calendar year (R5)


def placeholder(person: Participant) -> str:
    """12 characters, never a valid personnummer: birth year, 'G', and the id."""
    return f"{person.birth_date.year}G{person.pk:07d}"[:12]


def is_purged(person: Participant) -> bool:
    return person.personnummer == placeholder(person)


def last_entries() -> dict[int, date]:
    """The latest entry per person: any journal row (effective date or the day it was
    recorded, corrections included), referral, or import of one of their rows (R1)."""
    latest: dict[int, date] = {}

    def bump(pid, day):
        if day is not None and (pid not in latest or day > latest[pid]):
            latest[pid] = day

    for pid, day in Case.objects.values_list("participant_id").annotate(m=Max("referred_on")):
        bump(pid, day)
    for model in JOURNAL_MODELS:
        rows = model._base_manager.values_list("case__participant_id").annotate(
            e=Max("effective_on"),
            r=Max(TruncDate("recorded_at")),
            b=Max(TruncDate("batch__imported_at")),
        )
        for pid, eff, rec, imp in rows:
            for day in (eff, rec, imp):
                bump(pid, day)
    outside_journal.bump_last_entries(bump)
    return latest


def candidates(today: date, years: int) -> list[Candidate]:
    """Persons with no open case whose last entry is more than `years` years ago."""
    with_open = set(
        Case.objects.filter(state__in=OPEN_STATES).values_list("participant_id", flat=True)
    )
    people = {p.pk: p for p in Participant.objects.all()}
    found = []
    for pid, last in sorted(last_entries().items()):
        due = add_months(last, 12 * years)
        if pid in with_open or due > today or is_purged(people[pid]):
            continue
        found.append(Candidate(pid, last, due, overdue=today > date(due.year + 1, 12, 31)))
    return found


def _purge_update(model, pks, **values) -> None:
    """The documented bypass of the journal's immutability, for gallring only."""
    models.QuerySet(model=model).filter(pk__in=pks).update(**values)


def _purge_person(person: Participant) -> None:
    new_pnr = placeholder(person)
    born = date(person.birth_date.year, 1, 1)
    identity = {"personnummer": new_pnr, "first_name": "", "last_name": "", "birth_date": born}
    _purge_update(Participant, [person.pk], **identity)
    _purge_update(Participant.history.model, _history_pks(Participant, id=person.pk), **identity)
    case_ids = list(Case.objects.filter(participant=person).values_list("pk", flat=True))
    _purge_update(Case, case_ids, **CASE_TEXT)
    _purge_update(Case.history.model, _history_pks(Case, id__in=case_ids), **CASE_TEXT)
    for model, values in JOURNAL_TEXT.items():
        pks = list(model._base_manager.filter(case_id__in=case_ids).values_list("pk", flat=True))
        _purge_update(model, pks, **values)
    _purge_other_text(case_ids)
    chain.append_purge(person.pk)


def _purge_other_text(case_ids: list[int]) -> None:
    """Free text about the person outside the journal (audit.text_registry)."""
    from referrals.models import WaitingListEntry

    _purge_update(WaitingListEntry, list(
        WaitingListEntry.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
    ), reason="", extension_reason="")  # fmt: skip
    outside_journal.purge_text(case_ids, _purge_update)


def _history_pks(model, **lookup) -> list[int]:
    return list(model.history.filter(**lookup).values_list("history_id", flat=True))


@transaction.atomic
def purge(found: list[Candidate], *, run_by: str, criteria: str) -> PurgeRecord:
    ids = [c.participant_id for c in found]
    for person in Participant.objects.filter(pk__in=ids).order_by("pk"):
        _purge_person(person)
    return PurgeRecord.objects.create(
        run_by=run_by, criteria=criteria, person_count=len(ids), participant_ids=ids
    )
