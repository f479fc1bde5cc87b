"""The facts of one case that the rules read: its current journal, as plain lists.

`CaseFacts.load(case)` reads the transitions at once and each other journal table on
first use, one query each, at most once; `add(row)` keeps them current as a service
writes a row, so `spells()` is computed once per state and the rules themselves never
query (docs/adr/0006). The import's unit of work builds them in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef

if TYPE_CHECKING:
    from .models import Case


def _samrads(case: Case) -> list:
    from .models import Samrad

    return list(Samrad.objects.filter(case=case, corrections__isnull=True).order_by("pk"))


def _extensions(case: Case) -> list:
    from .models import Extension

    return list(Extension.objects.filter(case=case, corrections__isnull=True).order_by("pk"))


def _open_enrolments(case: Case) -> list:
    from .models import Enrolment, EnrolmentEnd

    ended = EnrolmentEnd.objects.filter(enrolment=OuterRef("pk"))
    rows = Enrolment.objects.filter(case=case, corrections__isnull=True).exclude(Exists(ended))
    return list(rows.order_by("pk"))


def _followed(case: Case) -> set:
    from .models import FollowUp

    rows = FollowUp.objects.filter(case=case, corrections__isnull=True)
    return set(rows.values_list("spell_ended_on", flat=True))


class _Part:
    """A part of a stored case's facts that is read on first use, once: a state change
    reads only what its rules ask for (issue 15), and the form before it only the
    transitions. Facts built in memory (a new case, the deadlines) start empty."""

    def __init__(self, read, empty: type) -> None:
        self.read, self.empty = read, empty

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, facts: CaseFacts | None, owner: type | None = None) -> Any:
        if facts is None:
            return self
        parts = facts._parts
        if self.name not in parts:
            parts[self.name] = self.read(facts.case) if facts._stored else self.empty()
        return parts[self.name]

    def __set__(self, facts: CaseFacts, value: Any) -> None:
        facts._parts[self.name] = value


@dataclass
class CaseFacts:
    case: Case
    transitions: list = field(default_factory=list)  # current, in (effective_on, seq) order
    max_seq: int = 0  # over every transition, corrected ones included
    _spells: list | None = None
    _stored: bool = False  # the parts below are read from the database on first use
    _parts: dict = field(default_factory=dict, repr=False)

    samrads = _Part(_samrads, list)  # current, in write order
    extensions = _Part(_extensions, list)  # current, in write order
    open_enrolments = _Part(_open_enrolments, list)  # current, without an end
    followed = _Part(_followed, set)  # spell_ended_on of current follow-ups

    @classmethod
    def load(cls, case: Case) -> CaseFacts:
        from .models import Transition

        facts = cls(case, _stored=True)
        superseded = Transition.objects.filter(supersedes=OuterRef("pk"))
        rows = Transition.objects.filter(case=case).annotate(corrected=Exists(superseded))
        for row in rows.order_by("effective_on", "seq"):
            facts.max_seq = max(facts.max_seq, row.seq)
            if not row.corrected:
                facts.transitions.append(row)
        return facts

    def add(self, row) -> None:
        """A service wrote `row` for this case: the facts now include it."""
        from .models import Enrolment, EnrolmentEnd, Extension, FollowUp, Samrad, Transition

        if isinstance(row, Transition):
            self.transitions.append(row)
            self.max_seq = max(self.max_seq, row.seq)
            self._spells = None
        elif isinstance(row, Samrad):
            _include(self.samrads, row)
        elif isinstance(row, Extension):
            _include(self.extensions, row)
            self._spells = None
        elif isinstance(row, Enrolment):
            _include(self.open_enrolments, row)
        elif isinstance(row, EnrolmentEnd):
            self.open_enrolments = [e for e in self.open_enrolments if e is not row.enrolment]
        elif isinstance(row, FollowUp):
            self.followed.add(row.spell_ended_on)


def _include(part: list, row) -> None:
    """Add a written row to a part, unless the part was first read after the row was
    saved (a service saves first; the import's rows have no id until its flush)."""
    if row.pk is None or all(known.pk != row.pk for known in part):
        part.append(row)


def facts_of(case_or_facts) -> CaseFacts:
    """The facts of the case as the current unit of work knows them, else read now."""
    if isinstance(case_or_facts, CaseFacts):
        return case_or_facts
    from .store import _active

    store = _active.get()
    return store.facts(case_or_facts) if store is not None else CaseFacts.load(case_or_facts)
