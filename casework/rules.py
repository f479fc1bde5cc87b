"""The duration and eligibility rules of domain.md "Enforce", in one place.

Every writer (web, import, commands) reaches these through `casework.services`.
A *day* of a spell is counted from its start: day 1 is the start date. A spell of
N months from S may last up to, and including, `add_months(S, N) - 1 day`, its
*deadline*; being in it after the deadline is an overstay (docs/adr/0003).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .facts import CaseFacts, facts_of

if TYPE_CHECKING:
    from .models import Case

AKTUALISERING = "aktualisering"
AVSLUTAD = "avslutad"
EJ_AKTUELL = "EJ_AKTUELL"
NEEDS_WORKPLACE = {"arbetspraktik", "anstallning"}


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

    def days(self, today: date | None = None) -> int:
        """Days in the spell; an open spell counts today as a day in it."""
        last = (self.end - timedelta(days=1)) if self.end else today
        if last is None:
            raise ValueError("an open spell needs today")
        return max(0, (last - self.start).days + 1)


def current_transitions(case: Case | CaseFacts) -> list:
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
            )
            for row, nxt in zip(rows, [*rows[1:], None], strict=True)
        ]
    return facts._spells


def extension_count(case: Case | CaseFacts, insats: str) -> int:
    return sum(1 for e in facts_of(case).extensions if e.insats_type == insats)


@dataclass(frozen=True)
class Budget:
    """The time one case may spend in one insats type, all spells together."""

    days: int | None  # None: no limit
    used: int
    first_start: date | None

    @property
    def left(self) -> int | None:
        return None if self.days is None else self.days - self.used


def budget(case: Case | CaseFacts, insats: str, *, new_start: date | None = None) -> Budget:
    """Cumulative per case and insats type (domain.md): 6 + 6 months shared by all spells.

    `used` counts the closed spells; the budget in days runs from the first spell's start.
    """
    facts = facts_of(case)
    rule = facts.case.programme.rule_for(insats)
    of_type = [s for s in spells(facts) if s.state == insats]
    used = sum(s.days() for s in of_type if s.end is not None)
    first = of_type[0].start if of_type else new_start
    if rule is None or rule.base_months is None or first is None:
        return Budget(None, used, first)
    months = rule.base_months + extension_count(facts, insats) * rule.extension_months
    return Budget((add_months(first, months) - first).days, used, first)


def spell_deadline(case: Case | CaseFacts, spell: Spell) -> date | None:
    """Last permitted day of an open spell, or None when nothing limits it."""
    facts = facts_of(case)
    if spell.planned_end and (spell.is_osa or _rule_sets_max(facts.case, spell.state)):
        return spell.planned_end
    b = budget(facts, spell.state)
    if b.days is None:
        return None
    return spell.start + timedelta(days=b.days - b.used - 1)


def _rule_sets_max(case: Case, insats: str) -> bool:
    rule = case.programme.rule_for(insats)
    return bool(rule and rule.coordinator_sets_max)


def overstay_days(deadline: date | None, today: date, end: date | None = None) -> int:
    """Days past the deadline: flagged, never refused (domain.md)."""
    if deadline is None:
        return 0
    last = (end - timedelta(days=1)) if end else today
    return max(0, (last - deadline).days)


# --- guards with reasons --------------------------------------------------------------------


def effective_date_refusal(case: Case, on: date, today: date) -> str | None:
    """Not in the future, not before the referral, not before the previous event."""
    if on > today:
        return _("Datumet %(on)s ligger i framtiden.") % {"on": on}
    if on < case.referred_on:
        return _("Datumet %(on)s ligger före aktualiseringen %(ref)s.") % {
            "on": on,
            "ref": case.referred_on,
        }
    if case.last_event_on and on < case.last_event_on:
        return _("Datumet %(on)s ligger före ärendets senaste händelse %(last)s.") % {
            "on": on,
            "last": case.last_event_on,
        }
    return None


def start_refusal(case: Case | CaseFacts, target: str, *, on: date) -> str | None:
    """Why the case cannot enter insats `target` on `on`, or None when it can."""
    facts = facts_of(case)
    case = facts.case
    if case.state == target:
        return _("Ärendet är redan i den insatsen.")
    rule = case.programme.rule_for(target)
    if rule is None:
        return _("Insatsen ingår inte i programmet %(p)s.") % {"p": case.programme.code}
    needs_samrad = case.state == AKTUALISERING and case.programme.samrad_before_first_insats
    if needs_samrad and not any(s.effective_on <= on for s in facts.samrads):
        return _("Första insatsen måste föregås av ett samråd med Arbetsförmedlingen.")
    b = budget(facts, target, new_start=on)
    if b.left is not None and b.left <= 0:
        return _("Tiden för insatsen är förbrukad i ärendet (%(days)s dagar av %(max)s).") % {
            "days": b.used,
            "max": b.days,
        }
    return None


def start_details_refusal(
    case: Case, target: str, *, on: date, workplace, is_osa: bool, planned_end: date | None
) -> str | None:
    """The facts a start needs: workplace, OSA and planned end (000 §4.4; 002 §5)."""
    rule = case.programme.rule_for(target)
    if target in NEEDS_WORKPLACE and workplace is None:
        return _("Ange arbetsplats för arbetspraktik och anställning.")
    if is_osa and target != "anstallning":
        return _("OSA gäller bara arbetsmarknadsanställning.")
    needs_end = is_osa or (
        rule is not None and (rule.planned_end_required or rule.coordinator_sets_max)
    )
    if needs_end and planned_end is None:
        return _("Ange planerat slutdatum för insatsen.")
    if planned_end is not None and planned_end <= on:
        return _("Planerat slutdatum måste ligga efter startdatumet.")
    return None


def has_extension_rule(case: Case) -> bool:
    """The current insats can be extended at all in this programme (the button shows)."""
    rule = case.programme.rule_for(case.state)
    return bool(rule and rule.max_extensions and rule.extension_months)


def extension_refusal(case: Case | CaseFacts, *, on: date, reason: str) -> str | None:
    """Extension beyond the maximum, without reason, or without a required samråd."""
    facts = facts_of(case)
    case = facts.case
    rule = case.programme.rule_for(case.state)
    if rule is None or case.state in (AKTUALISERING, AVSLUTAD):
        return _("Ärendet har ingen pågående insats att förlänga.")
    current = spells(facts)[-1]
    if current.is_osa:
        return _("OSA följer sin individuella planering och förlängs inte.")
    if rule.max_extensions == 0 or rule.extension_months == 0:
        return _("Insatsen %(i)s kan inte förlängas i programmet.") % {
            "i": rule.get_insats_type_display()
        }
    used = extension_count(facts, case.state)
    if used >= rule.max_extensions:
        return ngettext(
            "Insatsen är redan förlängd %(n)s gång av högst %(max)s.",
            "Insatsen är redan förlängd %(n)s gånger av högst %(max)s.",
            used,
        ) % {
            "n": used,
            "max": rule.max_extensions,
        }
    if not reason.strip():
        return _("En förlängning måste ha en motivering.")
    if rule.extension_needs_samrad and unused_samrad(facts, on=on) is None:
        return _("Förlängningen kräver ett samråd med Arbetsförmedlingen före förlängningsdatumet.")
    return None


def unused_samrad(case: Case | CaseFacts, *, on: date):
    """A samråd after the current spell began, on or before `on`, not used by an extension."""
    facts = facts_of(case)
    case = facts.case
    samrads = [s for s in facts.samrads if case.state_since < s.effective_on <= on]
    of_state = [e for e in facts.extensions if e.insats_type == case.state]
    if of_state:
        last_ext = max(reversed(of_state), key=lambda e: e.effective_on)
        samrads = [
            s
            for s in samrads
            if s.effective_on >= last_ext.effective_on and not _used_by(last_ext, s)
        ]
    # The latest; of one date, the last written (the journal's write order is the pk order).
    return max(reversed(samrads), key=lambda s: s.effective_on, default=None)


def _used_by(extension, samrad) -> bool:
    if samrad.pk is not None:
        return extension.samrad_id == samrad.pk
    return extension.samrad_id is None and extension.samrad is samrad


def exit_refusal(case: Case, *, reason_code: str) -> str | None:
    if case.state == AVSLUTAD:
        return _("Ärendet är redan avslutat.")
    if reason_code == EJ_AKTUELL and case.state != AKTUALISERING:
        return _("Ej aktuell kan bara väljas innan första insatsen har startat.")
    return None
