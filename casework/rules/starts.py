"""Guards of a start: dates, the budget, samråd, the details a start needs, a return."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..facts import CaseFacts, facts_of
from .core import AKTUALISERING, INSATS, NEEDS_WORKPLACE, budget, spells
from .extensions import _extension_rule_refusal, unused_samrad

if TYPE_CHECKING:
    from programmes.models import InsatsRule, Workplace

    from ..models import Case


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


def start_refusal(
    case: Case | CaseFacts,
    target: str,
    *,
    on: date,
    is_osa: bool = False,
    extend: bool = False,
) -> str | None:
    """Why the case cannot enter insats `target` on `on`, or None when it can.

    `extend`: the unused extension is granted in the same step (a return, domain.md)."""
    facts = facts_of(case)
    case = facts.case
    if case.state == target:
        return _("Ärendet är redan i den insatsen.")
    rule = case.programme.rule_for(target)
    if rule is None:
        return _("Insatsen ingår inte i programmet %(p)s.") % {"p": case.programme.code}
    if baseline_missing(case):
        return _("Utgångsläget på stegskalan måste bedömas innan första insatsen startar.")
    needs_samrad = case.state == AKTUALISERING and case.programme.samrad_before_first_insats
    if needs_samrad and not any(s.effective_on <= on for s in facts.samrads):
        return _("Första insatsen måste föregås av ett samråd med Arbetsförmedlingen.")
    b = budget(facts, target, new_start=on, is_osa=is_osa, extra_extensions=int(extend))
    if b.left is not None and b.left <= 0:
        return _("Tiden för insatsen är förbrukad i ärendet (%(days)s dagar av %(max)s).") % {
            "days": b.used,
            "max": b.days,
        }
    return None


def may_start(case: Case | CaseFacts, target: str, *, on: date) -> bool:
    """Some start of `target` is allowed: regular or OSA, with or without the unused
    extension. The transition's condition; the service checks the start it is given."""
    variants = [(False, False), (False, True)]
    if target == "anstallning":
        variants.append((True, False))
    return any(start_refusal(case, target, on=on, is_osa=o, extend=e) is None for o, e in variants)


def return_extension_refusal(
    case: Case | CaseFacts, target: str, *, on: date, reason: str
) -> str | None:
    """The unused extension granted on a return to `target` (domain.md 2026-12)."""
    facts = facts_of(case)
    rule = facts.case.programme.rule_for(target)
    if rule is None:
        return _("Insatsen ingår inte i programmet %(p)s.") % {"p": facts.case.programme.code}
    refusal = _extension_rule_refusal(facts, rule, target, reason)
    if refusal:
        return refusal
    samrad = unused_samrad(facts, on=on, insats=target, since=return_samrad_since(facts, target))
    if rule.extension_needs_samrad and samrad is None:
        return _("Förlängningen kräver ett samråd med Arbetsförmedlingen före förlängningsdatumet.")
    return None


def return_samrad_since(case: Case | CaseFacts, target: str) -> date:
    """A samråd for an extension granted at a start is held after the last spell of that
    insats began (or at any time before a first one)."""
    of_type = [s for s in spells(facts_of(case)) if s.kind == (target, False)]
    return of_type[-1].start if of_type else date.min


def empty_spell_warning(case: Case, on: date) -> str | None:
    """A start on the day of the previous change leaves that spell empty (indicators.md)."""
    if case.state in INSATS and case.state_since == on:
        return _(
            "Ärendet bytte till %(s)s samma dag. Startar du nu blir den perioden tom och "
            "räknas inte i indikatorerna."
        ) % {"s": case.get_state_display()}
    return None


def start_details_refusal(
    case: Case,
    target: str,
    *,
    on: date,
    workplace: Workplace | None,
    is_osa: bool,
    planned_end: date | None,
    scope: int = 100,
    min_end: date | None = None,
) -> str | None:
    """The facts a start needs: workplace, OSA, planned end, scope, minimum (000 §4.4; 002 §5)."""
    rule = case.programme.rule_for(target)
    if target in NEEDS_WORKPLACE and workplace is None:
        return _("Ange arbetsplats för arbetspraktik och anställning.")
    if workplace is not None and workplace.organisation_id != case.unit.organisation_id:
        return _("Arbetsplatsen hör till en annan organisation än ärendets enhet.")
    if is_osa and target != "anstallning":
        return _("OSA gäller bara arbetsmarknadsanställning.")
    needs_end = is_osa or (
        rule is not None and (rule.planned_end_required or rule.coordinator_sets_max)
    )
    if needs_end and planned_end is None:
        return _("Ange planerat slutdatum för insatsen.")
    if planned_end is not None and planned_end <= on:
        return _("Planerat slutdatum måste ligga efter startdatumet.")
    if not 1 <= scope <= 100:
        return _("Omfattningen måste vara mellan 1 och 100 procent av heltid.")
    return _min_end_refusal(rule, on=on, planned_end=planned_end, min_end=min_end)


def _min_end_refusal(
    rule: InsatsRule | None, *, on: date, planned_end: date | None, min_end: date | None
) -> str | None:
    if min_end is None:
        return None
    if rule is None or not rule.coordinator_sets_min:
        return _("Programmet har ingen minsta tid per deltagare för insatsen.")
    if min_end <= on or (planned_end is not None and min_end > planned_end):
        return _("Minsta tiden måste ligga efter startdatumet och senast vid maxtiden.")
    return None


def baseline_missing(case: Case) -> bool:
    """Where the programme uses its step scale, the first insats needs the baseline (001
    "Kartläggning": "ett utgångsläge fastställas"; 002 §2, §5). The baseline is the step
    set at referral, or the first assessment recorded before the first insats."""
    return (
        case.state == AKTUALISERING
        and case.programme.uses_step_scale
        and case.baseline_step is None
    )
