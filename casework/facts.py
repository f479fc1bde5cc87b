"""The facts of one case that the rules read: its current journal, as plain lists.

`CaseFacts.load(case)` reads them with one query per journal table; `add(row)` keeps
them current as a service writes a row, so `spells()` is computed once per state and
the rules never query (docs/adr/0006). The import's unit of work builds them in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

if TYPE_CHECKING:
    from .models import Case


@dataclass
class CaseFacts:
    case: Case
    transitions: list = field(default_factory=list)  # current, in (effective_on, seq) order
    samrads: list = field(default_factory=list)  # current, in write order
    extensions: list = field(default_factory=list)  # current, in write order
    open_enrolments: list = field(default_factory=list)  # current, without an end
    followed: set = field(default_factory=set)  # spell_ended_on of current follow-ups
    max_seq: int = 0  # over every transition, corrected ones included
    _spells: list | None = None

    @classmethod
    def load(cls, case: Case) -> CaseFacts:
        from .models import Enrolment, EnrolmentEnd, Extension, FollowUp, Samrad, Transition

        facts = cls(case)
        superseded = Transition.objects.filter(supersedes=OuterRef("pk"))
        rows = Transition.objects.filter(case=case).annotate(corrected=Exists(superseded))
        for row in rows.order_by("effective_on", "seq"):
            facts.max_seq = max(facts.max_seq, row.seq)
            if not row.corrected:
                facts.transitions.append(row)
        current = {"case": case, "corrections__isnull": True}
        facts.samrads = list(Samrad.objects.filter(**current).order_by("pk"))
        facts.extensions = list(Extension.objects.filter(**current).order_by("pk"))
        ended = EnrolmentEnd.objects.filter(enrolment=OuterRef("pk"))
        facts.open_enrolments = list(
            Enrolment.objects.filter(**current).exclude(Exists(ended)).order_by("pk")
        )
        facts.followed = set(
            FollowUp.objects.filter(**current).values_list("spell_ended_on", flat=True)
        )
        return facts

    def add(self, row) -> None:
        """A service wrote `row` for this case: the facts now include it."""
        from .models import Enrolment, EnrolmentEnd, Extension, FollowUp, Samrad, Transition

        if isinstance(row, Transition):
            self.transitions.append(row)
            self.max_seq = max(self.max_seq, row.seq)
            self._spells = None
        elif isinstance(row, Samrad):
            self.samrads.append(row)
        elif isinstance(row, Extension):
            self.extensions.append(row)
            self._spells = None
        elif isinstance(row, Enrolment):
            self.open_enrolments.append(row)
        elif isinstance(row, EnrolmentEnd):
            self.open_enrolments = [e for e in self.open_enrolments if e is not row.enrolment]
        elif isinstance(row, FollowUp):
            self.followed.add(row.spell_ended_on)


def facts_of(case_or_facts) -> CaseFacts:
    """The facts of the case as the current unit of work knows them, else read now."""
    if isinstance(case_or_facts, CaseFacts):
        return case_or_facts
    from .store import _active

    store = _active.get()
    return store.facts(case_or_facts) if store is not None else CaseFacts.load(case_or_facts)
