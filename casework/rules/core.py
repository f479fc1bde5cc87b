"""The case's spells and the per-insats budget: what every other rule reads (domain.md)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from ..facts import CaseFacts, facts_of

if TYPE_CHECKING:
    from ..models import Case, Transition


AKTUALISERING = "aktualisering"
AVSLUTAD = "avslutad"
EJ_AKTUELL = "EJ_AKTUELL"
NEEDS_WORKPLACE = {"arbetspraktik", "anstallning"}
INSATS = ("kartlaggning", "jobbsok", "arbetstraning", "arbetspraktik", "anstallning")
CASE_LIMIT = "arende"  # Extension.insats_type of an extension of the whole case
AGREEMENT_EXIT_REASONS = {"FORSTARKT_SAMARBETE", "KOMMUNAL_AME"}  # offered where named
FOLLOWUP_MONTHS = 6
FOLLOWUP_EARLY_DAYS = 14


class CaseRuleError(ValidationError):
    """A rule refused the operation; the message is Swedish and shown to the user."""


class ImmutableRecordError(Exception):
    """Documentation rows are never edited or deleted (C1)."""


def add_months(start: date, months: int) -> date:
    """Calendar-month arithmetic: 31 January + 1 month = 28/29 February (domain.md)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Spell:
    state: str
    start: date
    end: date | None  # exclusive: the date of the next change, None while open
    is_osa: bool = False
    planned_end: date | None = None
    workplace_id: int | None = None
    scope: int = 100
    min_end: date | None = None

    def days(self, today: date | None = None) -> int:
        """Days in the spell; an open spell counts today as a day in it."""
        last = (self.end - timedelta(days=1)) if self.end else today
        if last is None:
            raise ValueError("an open spell needs today")
        return max(0, (last - self.start).days + 1)

    @property
    def kind(self) -> tuple[str, bool]:
        """The budget the spell uses: OSA is outside the anställning budget (000 §4.4)."""
        return (self.state, self.is_osa)


def current_transitions(case: Case | CaseFacts) -> list[Transition]:
    """The case's transitions that no correction supersedes, in journal order."""
    return list(facts_of(case).transitions)


def spells(case: Case | CaseFacts) -> list[Spell]:
    facts = facts_of(case)
    if facts._spells is None:
        rows = facts.transitions
        facts._spells = [
            Spell(
                row.to_state,
                row.effective_on,
                nxt.effective_on if nxt else None,
                row.is_osa,
                row.planned_end,
                row.workplace_id,
                getattr(row, "scope", 100),
                getattr(row, "min_end", None),
            )
            for row, nxt in zip(rows, [*rows[1:], None], strict=True)
        ]
    return facts._spells


def extension_count(case: Case | CaseFacts, insats: str, *, before: date | None = None) -> int:
    """Extensions of the insats type; with `before`, only those dated before that day."""
    return sum(
        1
        for e in facts_of(case).extensions
        if e.insats_type == insats and (before is None or e.effective_on < before)
    )


@dataclass(frozen=True)
class Budget:
    """The time one case may spend in one insats type, all spells together."""

    days: int | None  # None: no limit
    used: int
    first_start: date | None

    @property
    def left(self) -> int | None:
        return None if self.days is None else self.days - self.used


def budget(
    case: Case | CaseFacts,
    insats: str,
    *,
    new_start: date | None = None,
    is_osa: bool = False,
    extra_extensions: int = 0,
) -> Budget:
    """Cumulative per case and insats type (domain.md): 6 + 6 months shared by all spells.

    `used` counts the closed spells; the budget in days runs from the first spell's start.
    OSA follows its planned end and has no budget; its time uses none of the anställning
    budget (000 §4.4 "arbetsmarknadsanställning (utom OSA)").
    """
    facts = facts_of(case)
    rule = facts.case.programme.rule_for(insats)
    of_type = [s for s in spells(facts) if s.kind == (insats, is_osa)]
    used = sum(s.days() for s in of_type if s.end is not None)
    first = of_type[0].start if of_type else new_start
    if is_osa or rule is None or rule.base_months is None or first is None:
        return Budget(None, used, first)
    extensions = extension_count(facts, insats) + extra_extensions
    months = rule.base_months + extensions * rule.extension_months
    return Budget((add_months(first, months) - first).days, used, first)
