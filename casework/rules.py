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
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .facts import CaseFacts, facts_of

if TYPE_CHECKING:
    from programmes.models import InsatsRule, Workplace

    from .models import Case, Extension, Samrad, Transition

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
    refusal = _extension_rule_refusal(facts, rule, case.state, reason)
    if refusal:
        return refusal
    if rule.extension_needs_samrad and unused_samrad(facts, on=on) is None:
        return _("Förlängningen kräver ett samråd med Arbetsförmedlingen före förlängningsdatumet.")
    return None


def _extension_rule_refusal(
    facts: CaseFacts, rule: InsatsRule, insats: str, reason: str
) -> str | None:
    if rule.max_extensions == 0 or rule.extension_months == 0:
        return _("Insatsen %(i)s kan inte förlängas i programmet.") % {
            "i": rule.get_insats_type_display()
        }
    used = extension_count(facts, insats)
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
    return None


def unused_samrad(
    case: Case | CaseFacts, *, on: date, insats: str | None = None, since: date | None = None
) -> Samrad | None:
    """A samråd after the spell began (`since`), on or before `on`, not used by an extension.

    By default the current spell; a return names the insats and its last spell's start."""
    facts = facts_of(case)
    case = facts.case
    insats = insats or case.state
    since = case.state_since if since is None else since
    samrads = [s for s in facts.samrads if since < s.effective_on <= on]
    of_state = [e for e in facts.extensions if e.insats_type == insats]
    if of_state:
        last_ext = max(reversed(of_state), key=lambda e: e.effective_on)
        samrads = [
            s
            for s in samrads
            if s.effective_on >= last_ext.effective_on and not _used_by(last_ext, s)
        ]
    # The latest; of one date, the last written (the journal's write order is the pk order).
    return max(reversed(samrads), key=lambda s: s.effective_on, default=None)


def _used_by(extension: Extension, samrad: Samrad) -> bool:
    if samrad.pk is not None:
        return extension.samrad_id == samrad.pk
    return extension.samrad_id is None and extension.samrad is samrad


def exit_refusal(
    case: Case, *, reason_code: str, on: date | None = None, reason: str = ""
) -> str | None:
    """Exit reasons the programme offers; an exit before the minimum needs a reason (002 §5)."""
    if case.state == AVSLUTAD:
        return _("Ärendet är redan avslutat.")
    if reason_code == EJ_AKTUELL and case.state != AKTUALISERING:
        return _("Ej aktuell kan bara väljas innan första insatsen har startat.")
    offered = set(case.programme.extra_exit_reasons or ())
    if reason_code in AGREEMENT_EXIT_REASONS and reason_code not in offered:
        return _("Avslutsorsaken %(c)s finns inte i programmet %(p)s.") % {
            "c": reason_code,
            "p": case.programme.code,
        }
    minimum = minimum_end(case)
    if on is not None and minimum is not None and on < minimum and not reason.strip():
        return _("Avslutet ligger före den minsta tiden %(d)s: ange skälet.") % {"d": minimum}
    return None


def exit_reason_codes(case: Case, codes: list[str]) -> list[str]:
    """The exit reason codes to offer on this case (domain.md "Codes"; 003)."""
    offered = set(case.programme.extra_exit_reasons or ())
    return [c for c in codes if c not in AGREEMENT_EXIT_REASONS or c in offered]


def minimum_end(case: Case | CaseFacts) -> date | None:
    """The minimum time the coordinator set for the current spell (002 §5)."""
    current = spells(facts_of(case))[-1]
    return current.min_end if current.state in INSATS else None


def early_exit(case: Case | CaseFacts) -> date | None:
    """The minimum an exit came before, for the flag on the case, else None."""
    rows = spells(facts_of(case))
    if len(rows) < 2 or rows[-1].state != AVSLUTAD:
        return None
    before = rows[-2]
    return before.min_end if before.min_end and rows[-1].start < before.min_end else None


# --- the case's own limit (Sikta, 003; domain.md 2026-12) ------------------------------------


def first_insats_on(case: Case | CaseFacts) -> date | None:
    return next((s.start for s in spells(facts_of(case)) if s.state in INSATS), None)


def case_deadline(case: Case | CaseFacts) -> date | None:
    """Last permitted day of the whole case: limit + extensions from the first insats."""
    facts = facts_of(case)
    limit = facts.case.programme.case_limit_months
    first = first_insats_on(facts)
    if limit is None or first is None:
        return None
    months = limit + sum(e.months for e in facts.extensions if e.insats_type == CASE_LIMIT)
    return add_months(first, months) - timedelta(days=1)


def case_extension_refusal(
    case: Case | CaseFacts, *, on: date, months: int, reason: str
) -> str | None:
    facts = facts_of(case)
    programme = facts.case.programme
    if programme.case_limit_months is None or not programme.case_max_extensions:
        return _("Programmet %(p)s har ingen förlängning av hela ärendet.") % {"p": programme.code}
    if facts.case.state in (AKTUALISERING, AVSLUTAD):
        return _("Ärendet har ingen pågående insats att förlänga.")
    used = sum(1 for e in facts.extensions if e.insats_type == CASE_LIMIT)
    if used >= programme.case_max_extensions:
        return ngettext(
            "Ärendet är redan förlängt %(n)s gång av högst %(max)s.",
            "Ärendet är redan förlängt %(n)s gånger av högst %(max)s.",
            used,
        ) % {
            "n": used,
            "max": programme.case_max_extensions,
        }
    if not 1 <= months <= programme.case_extension_months:
        return _("Förlängningen får vara 1–%(max)s månader.") % {
            "max": programme.case_extension_months
        }
    if not reason.strip():
        return _("En förlängning måste ha en motivering.")
    return None


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


# --- follow-ups after each ended anställning (000 §4.5, UT6) ---------------------------------


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


def baseline_missing(case: Case) -> bool:
    """Where the programme uses its step scale, the first insats needs the baseline (001
    "Kartläggning": "ett utgångsläge fastställas"; 002 §2, §5). The baseline is the step
    set at referral, or the first assessment recorded before the first insats."""
    return (
        case.state == AKTUALISERING
        and case.programme.uses_step_scale
        and case.baseline_step is None
    )


def attendance_week_refusal(case: Case | CaseFacts, monday: date) -> str | None:
    """Attendance is for weeks in an insats: not before the first starts, not after the
    case ends (002 §5)."""
    own = spells(case)
    insats = [s for s in own if s.state not in (AKTUALISERING, AVSLUTAD)]
    if not insats or monday + timedelta(days=6) < insats[0].start:
        return _("Närvaro kan inte registreras före insatsens start.")
    exit_spell = next((s for s in own if s.state == AVSLUTAD), None)
    if exit_spell is not None and monday >= exit_spell.start:
        return _("Närvaro kan inte registreras efter att ärendet avslutats %(d)s.") % {
            "d": exit_spell.start
        }
    return None
