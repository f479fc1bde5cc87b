"""Recorded corrections of effective dates (C1, C2; indicators.md `--as-of`).

A wrong date is never edited: the correction is a new journal row that `supersedes` the
original, which stays readable. A report computed as of a moment before the correction
was recorded still sees the original, so a report sent to the board can be reproduced.
Like every service, a correction locks the case, checks the order of events and
refreshes the case's projections in one transaction.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .models import Case, FollowUp, State, Transition
from .projections import refresh_spells
from .rules import CaseRuleError
from .services import _lock, rules_states

JOURNAL_RELATIONS = (
    "transitions",
    "samrads",
    "extensions",
    "enrolments",
    "enrolmentends",
    "followups",
    "employmentchecks",
    "notes",
    "assessments",
)


def _require_corrector(user) -> None:
    if not (user.has_perm("casework.decide_referral") or user.has_perm("casework.change_insats")):
        raise PermissionDenied(_("Du har inte behörighet att rätta datum."))


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise CaseRuleError(_("En rättelse måste ha en motivering."))


def _neighbour_refusal(rows: list[Transition], original: Transition, on: date) -> str | None:
    """The corrected date must stay between the previous and the next state change."""
    index = next(i for i, row in enumerate(rows) if row.pk == original.pk)
    previous = rows[index - 1] if index > 0 else None
    following = rows[index + 1] if index + 1 < len(rows) else None
    if previous is not None and on < previous.effective_on:
        return _("Datumet %(on)s ligger före föregående statusändring %(d)s.") % {
            "on": on,
            "d": previous.effective_on,
        }
    if following is not None and on > following.effective_on:
        return _("Datumet %(on)s ligger efter nästa statusändring %(d)s.") % {
            "on": on,
            "d": following.effective_on,
        }
    return None


def _refresh_projections(case: Case, *, by, reason: str) -> None:
    """Recompute referred_on, state_since, last_event_on and deadline from the journal."""
    current = rules.current_transitions(case)
    case.referred_on = current[0].effective_on
    case.state_since = current[-1].effective_on
    last = [
        getattr(case, relation)
        .filter(corrections__isnull=True)
        .aggregate(m=Max("effective_on"))["m"]
        for relation in JOURNAL_RELATIONS
    ]
    case.last_event_on = max(d for d in last if d is not None)
    spell = rules.spells(case)[-1]
    case.deadline = rules.spell_deadline(case, spell) if case.state in rules_states() else None
    case.case_deadline = rules.case_deadline(case) if case.state in rules_states() else None
    if case.case_deadline is not None:
        case.deadline = min(d for d in (case.deadline, case.case_deadline) if d is not None)
    case._history_user = by
    case._change_reason = reason
    case.save()


@transaction.atomic
def transition_correct_date(*, transition_id: int, on: date, by, reason: str) -> Transition:
    """Correct the effective date of a state change (or the referral, or an exit)."""
    original = Transition.objects.get(pk=transition_id)
    case = _lock(original.case_id)
    _require_corrector(by)
    _require_reason(reason)
    if original.corrections.exists():
        raise CaseRuleError(_("Raden är redan rättad; rätta den senaste versionen."))
    if on > timezone.localdate():
        raise CaseRuleError(_("Datumet %(on)s ligger i framtiden.") % {"on": on})
    if original.effective_on == on:
        raise CaseRuleError(_("Datumet är oförändrat."))
    rows = rules.current_transitions(case)
    refusal = _neighbour_refusal(rows, original, on)
    if refusal is None and original.from_state == "" and original.to_state == State.AKTUALISERING:
        first_other = _earliest_other_event(case)
        if first_other is not None and on > first_other:
            refusal = _("Aktualiseringen kan inte ligga efter ärendets första händelse %(d)s.") % {
                "d": first_other
            }
    if refusal:
        raise CaseRuleError(refusal)
    row = Transition.objects.create(
        case=case,
        seq=original.seq,
        from_state=original.from_state,
        to_state=original.to_state,
        reason=reason,
        exit_reason=original.exit_reason,
        workplace=original.workplace,
        is_osa=original.is_osa,
        planned_end=original.planned_end,
        effective_on=on,
        supersedes=original,
        actor=by,
        batch=None,
    )
    refresh_spells([case.pk])
    _refresh_projections(case, by=by, reason="transition.correct_date")
    return row


def _earliest_other_event(case: Case) -> date | None:
    firsts = [
        getattr(case, relation)
        .filter(corrections__isnull=True)
        .aggregate(m=Min("effective_on"))["m"]
        for relation in JOURNAL_RELATIONS
        if relation != "transitions"
    ]
    dates = [d for d in firsts if d is not None]
    return min(dates) if dates else None


@transaction.atomic
def followup_correct(*, followup_id: int, receives_eb: bool, on: date, by, reason: str) -> FollowUp:
    """Correct a follow-up's outcome or date; the original stays (UT6)."""
    original = FollowUp.objects.get(pk=followup_id)
    case = _lock(original.case_id)
    _require_corrector(by)
    _require_reason(reason)
    if original.corrections.exists():
        raise CaseRuleError(_("Raden är redan rättad; rätta den senaste versionen."))
    if on > timezone.localdate() or on < original.spell_ended_on:
        raise CaseRuleError(_("Uppföljningen måste ligga mellan anställningens slut och idag."))
    row = FollowUp.objects.create(
        case=case,
        effective_on=on,
        spell_ended_on=original.spell_ended_on,
        receives_eb=receives_eb,
        supersedes=original,
        actor=by,
    )
    _refresh_projections(case, by=by, reason="followup.correct")
    return row
