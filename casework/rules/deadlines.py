"""Deadlines and overstays of spells, open or closed (domain.md 2026-12; docs/adr/0003)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..facts import CaseFacts, facts_of
from .case_limit import case_deadline
from .core import AKTUALISERING, AVSLUTAD, CASE_LIMIT, Spell, add_months, extension_count, spells

if TYPE_CHECKING:
    from ..models import Case


def spell_deadline(case: Case | CaseFacts, spell: Spell) -> date | None:
    """Last permitted day of a spell, open or closed, or None when nothing limits it.

    A closed spell keeps the deadline it had: the extensions dated before it ended, and
    the time its earlier spells of the same budget used (domain.md 2026-12).
    """
    facts = facts_of(case)
    if spell.state in (AKTUALISERING, AVSLUTAD):
        return None
    if spell.planned_end and (spell.is_osa or _rule_sets_max(facts.case, spell.state)):
        return spell.planned_end
    rule = facts.case.programme.rule_for(spell.state)
    if spell.is_osa or rule is None or rule.base_months is None:
        return None
    same = [s for s in spells(facts) if s.kind == spell.kind]
    index = next((i for i, s in enumerate(same) if s is spell), None)
    if index is None:
        index = same.index(spell) if spell in same else len(same)
    used = sum(s.days() for s in same[:index])
    first = same[0].start if same else spell.start
    months = rule.base_months + extension_count(facts, spell.state, before=spell.end) * (
        rule.extension_months
    )
    return spell.start + timedelta(days=(add_months(first, months) - first).days - used - 1)


def _rule_sets_max(case: Case, insats: str) -> bool:
    rule = case.programme.rule_for(insats)
    return bool(rule and rule.coordinator_sets_max)


def overstay_days(deadline: date | None, today: date, end: date | None = None) -> int:
    """Days past the deadline: flagged, never refused (domain.md)."""
    if deadline is None:
        return 0
    last = (end - timedelta(days=1)) if end else today
    return max(0, (last - deadline).days)


@dataclass(frozen=True)
class Overstay:
    state: str  # the insats, or CASE_LIMIT for the whole case
    start: date
    end: date | None
    deadline: date
    days: int


def overstays(case: Case | CaseFacts, today: date) -> list[Overstay]:
    """Every spell, open or closed, and the case itself, that went past its deadline."""
    facts = facts_of(case)
    rows = spells(facts)
    found = []
    for spell in rows:
        deadline = spell_deadline(facts, spell)
        days = overstay_days(deadline, today, spell.end)
        if deadline is not None and days > 0:
            found.append(Overstay(spell.state, spell.start, spell.end, deadline, days))
    limit = case_deadline(facts)
    end = rows[-1].start if rows and rows[-1].state == AVSLUTAD else None
    days = overstay_days(limit, today, end)
    if limit is not None and days > 0:
        found.append(Overstay(CASE_LIMIT, rows[0].start, end, limit, days))
    return found
