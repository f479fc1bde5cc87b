"""Follow-ups after each ended anställning (000 §4.5, UT6)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext as _

from ..facts import CaseFacts, facts_of
from .core import FOLLOWUP_EARLY_DAYS, FOLLOWUP_MONTHS, Spell, add_months, spells

if TYPE_CHECKING:
    from ..models import Case


def followup_due_on(spell: Spell) -> date:
    assert spell.end is not None
    return add_months(spell.end, FOLLOWUP_MONTHS)


def ended_anstallningar(case: Case | CaseFacts) -> list[Spell]:
    """Every ended, non-empty anställning spell (OSA included), in date order."""
    return [
        s for s in spells(facts_of(case)) if s.state == "anstallning" and s.end and s.end > s.start
    ]


def followup_target(case: Case | CaseFacts, on: date) -> Spell | None:
    """The earliest ended anställning without a follow-up that may be recorded on `on`:
    due on or before `on` + 14 days (domain.md 2026-12)."""
    facts = facts_of(case)
    limit = on + timedelta(days=FOLLOWUP_EARLY_DAYS)
    return next(
        (
            s
            for s in ended_anstallningar(facts)
            if s.end not in facts.followed and followup_due_on(s) <= limit
        ),
        None,
    )


def followup_refusal(case: Case | CaseFacts, on: date) -> str | None:
    facts = facts_of(case)
    ended = ended_anstallningar(facts)
    if not ended:
        return _("Ärendet har ingen avslutad arbetsmarknadsanställning att följa upp.")
    if followup_target(facts, on) is not None:
        return None
    waiting = [s for s in ended if s.end not in facts.followed]
    if not waiting:
        return _("Anställningen är redan uppföljd.")
    earliest = followup_due_on(waiting[0]) - timedelta(days=FOLLOWUP_EARLY_DAYS)
    return _("Uppföljningen kan registreras tidigast %(d)s.") % {"d": earliest}


def followups_open(case: Case | CaseFacts) -> list[tuple[date, date]]:
    """(spell end, due date) of every ended anställning still without a follow-up."""
    facts = facts_of(case)
    return [
        # ended_anstallningar only yields spells with an end; mypy cannot see that.
        (cast(date, s.end), followup_due_on(s))
        for s in ended_anstallningar(facts)
        if s.end not in facts.followed
    ]


def followup_unrecorded(case: Case | CaseFacts) -> bool:
    """A current transition leaves anställning with no current follow-up of that end: the
    case page offers "Uppföljning" (selectors.followups_due over one case, from its facts)."""
    facts = facts_of(case)
    return any(
        t.from_state == "anstallning" and t.effective_on not in facts.followed
        for t in facts.transitions
    )
