"""Every write a user can cause on a case: one code path each, history written on it.

Each service locks the case row, re-checks the rules after taking the lock, applies
the transition, appends an immutable journal row and refreshes the case's projections,
all in one transaction (STYLE.md; Q1).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from programmes.models import Workplace

from . import rules, store
from .facts import facts_of
from .models import (
    Assessment,
    Attendance,
    Case,
    CoachAssignment,
    Enrolment,
    EnrolmentEnd,
    Extension,
    FollowUp,
    ImportBatch,
    Note,
    Samrad,
    State,
    Transition,
)
from .projections import SPELL_ROWS, refresh_case_spells, refresh_spells
from .rules import CaseRuleError
from .signals import case_exited
from .store import unit_of_work
from .work_check import exit_detail_refusal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Recorded

_Row = TypeVar("_Row", bound="Recorded")


def _refuse_if(reason: str | None) -> None:
    if reason:
        raise CaseRuleError(reason)


def _lock(case_id: int) -> Case:
    return store.lock_case(case_id)


class StaleCase(CaseRuleError):
    """The case has moved since the form was rendered (optimistic lock, docs/adr/0105)."""


def ensure_unchanged(case: Case, expected_version: int | None) -> None:
    """Refuse when the locked case is not at the version the user saw; None: no check
    (import, commands). Called right after the row lock, before any rule or write."""
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(
            _(
                "Ärendet har ändrats av någon annan sedan du öppnade formuläret. "
                "Ingenting sparades. Ladda om sidan och gör om åtgärden."
            )
        )


def _require_perm(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(_("Du har inte behörighet till den åtgärden."))


def _check_date(case: Case, on: date) -> None:
    _refuse_if(rules.effective_date_refusal(case, on, timezone.localdate()))


def _save(case: Case, *, by: User, reason: str, on: date) -> None:
    """Refresh the projections of the journal and save with history user and reason."""
    case.last_event_on = max(case.last_event_on, on)
    facts = facts_of(case)
    current = rules.spells(facts)[-1]
    case.deadline = rules.spell_deadline(facts, current) if case.state in rules_states() else None
    # The case's own limit shows in the lists like an insats deadline (003; domain.md).
    case.case_deadline = rules.case_deadline(facts) if case.state in rules_states() else None
    if case.case_deadline is not None:
        case.deadline = min(d for d in (case.deadline, case.case_deadline) if d is not None)
    case._history_user = by
    case._change_reason = reason
    store.current().save(case)


_RULES_STATES = frozenset(s for s in State.values if s not in (State.AKTUALISERING, State.AVSLUTAD))


def rules_states() -> frozenset[str]:
    return _RULES_STATES


def _append_transition(
    case: Case,
    *,
    from_state: str,
    on: date,
    by: User,
    batch: ImportBatch | None,
    **fields: Any,
) -> Transition:
    row = Transition(
        case=case,
        seq=facts_of(case).max_seq + 1,
        from_state=from_state,
        to_state=case.state,
        effective_on=on,
        actor=by,
        batch=batch,
        **fields,
    )
    return _write(case, row)


def _write(case: Case, row: _Row) -> _Row:
    """A new journal row of the case, through the store (per call: saved at once).

    A transition or an enrolment changes the case's spells: the projection is refreshed
    in the same transaction, per call at once, in a batch once after its bulk insert."""
    uow = store.current()
    uow.add(case, row)
    if isinstance(row, SPELL_ROWS) and not uow.batch:
        if getattr(row, "supersedes_id", None) is None:
            # The store's facts hold the row now: the deadlines need no second read.
            refresh_case_spells(case.pk, uow.facts(case))
        else:
            refresh_spells([case.pk])
    return row


class CapacityFull(CaseRuleError):
    """Every place of the insats type is taken; the intake may queue the start instead."""


def ensure_startable(
    case: Case,
    insats: str,
    *,
    on: date,
    by: User,
    extension_reason: str | None = None,
    **details: Any,
) -> None:
    """Every check a start makes, on a locked case. Capacity comes last, so `CapacityFull`
    means the start is otherwise allowed (000 §4.4: 100 places; 002 §5: 40 places)."""
    method = getattr(case, f"start_{insats}", None)
    if insats not in rules_states() or method is None:
        raise CaseRuleError(_("Okänd insats: %(i)s.") % {"i": insats})
    _open_case(case)
    _check_date(case, on)
    is_osa = bool(details.get("is_osa"))
    extend = extension_reason is not None
    _refuse_if(rules.start_refusal(case, insats, on=on, is_osa=is_osa, extend=extend))
    if extend:
        assert extension_reason is not None
        _refuse_if(rules.return_extension_refusal(case, insats, on=on, reason=extension_reason))
    _refuse_if(rules.start_details_refusal(case, insats, on=on, **details))
    if not has_transition_perm(method, by):
        raise PermissionDenied(_("Du har inte behörighet att starta insatsen."))
    _ensure_place(case, insats, on=on, **details)


def _ensure_place(case: Case, insats: str, *, on: date, **details: Any) -> None:
    """Places are judged on the start date; where the rule says so only regular anställningar
    at municipal workplaces take one, and a place is counted in full time (000 §4.4; 002 §5)."""
    rule = case.programme.rule_for(insats)
    if rule is None or rule.capacity is None:
        return
    workplace = details.get("workplace")
    municipal = workplace is not None and workplace.kommunal and not details.get("is_osa")
    if rule.places_regular_municipal_only and not municipal:
        return
    rule, used = store.current().capacity_used(case.programme, insats, on=on)
    weight = details.get("scope", 100) if rule.places_by_scope else 100
    if rule.capacity is not None and used + weight > rule.capacity * 100:
        raise CapacityFull(
            _("Alla %(n)s platser för %(i)s i %(p)s är upptagna.")
            % {"n": rule.capacity, "i": rule.get_insats_type_display(), "p": case.programme.code}
        )


@unit_of_work
def case_start_insats(
    *,
    case_id: int,
    insats: str,
    on: date,
    by: User,
    workplace: Workplace | None = None,
    is_osa: bool = False,
    planned_end: date | None = None,
    reason: str = "",
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
    scope: int = 100,
    min_end: date | None = None,
    extension_reason: str | None = None,
) -> Transition:
    """Start an insats: the first one from aktualisering, or a move between insatser (000 §4.4).

    `extension_reason`: a return that is granted the unused extension in the same step."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    details = {
        "workplace": workplace,
        "is_osa": is_osa,
        "planned_end": planned_end,
        "scope": scope,
        "min_end": min_end,
    }
    ensure_startable(case, insats, on=on, by=by, extension_reason=extension_reason, **details)
    samrad = None
    rule = case.programme.rule_for(insats)
    if extension_reason is not None and rule is not None and rule.extension_needs_samrad:
        since = rules.return_samrad_since(case, insats)
        samrad = rules.unused_samrad(case, on=on, insats=insats, since=since)
    method = getattr(case, f"start_{insats}")
    from_state = case.state
    method()
    case.state_since = on
    row = _append_transition(
        case, from_state=from_state, on=on, by=by, batch=batch, reason=reason, **details
    )
    if extension_reason is not None:
        assert rule is not None
        _write_extension(case, insats=insats, on=on, reason=extension_reason, samrad=samrad, by=by,
                         batch=batch, months=rule.extension_months)  # fmt: skip
    _save(case, by=by, reason=f"case.start_{insats}", on=on)
    return row


def _write_extension(
    case: Case, *, insats: str, on: date, by: User, batch: ImportBatch | None, **fields: Any
) -> Extension:
    row = Extension(case=case, effective_on=on, insats_type=insats, actor=by, batch=batch, **fields)
    return _write(case, row)


@unit_of_work
def case_exit(
    *,
    case_id: int,
    on: date,
    reason_code: str,
    by: User,
    reason: str = "",
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
    employment_form: str = "",
    studiemedel: bool | None = None,
) -> Transition:
    """Exit with a reason code; a late exit is still recorded, as an overstay (domain.md).

    Open enrolments end with the case, on the exit date (000 §4.4; indicators.md). K3's
    facts ride on the exit row: the employment form at ARBETE, studiemedel at STUDIER."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _refuse_if(rules.exit_refusal(case, reason_code=reason_code, on=on, reason=reason))
    _refuse_if(exit_detail_refusal(reason_code, employment_form, studiemedel))
    _check_date(case, on)
    if not has_transition_perm(case.exit, by):
        raise PermissionDenied(_("Du har inte behörighet att avsluta ärendet."))
    from_state = case.state
    for enrolment in list(facts_of(case).open_enrolments):
        _write(
            case,
            EnrolmentEnd(case=case, enrolment=enrolment, effective_on=on, actor=by, batch=batch),
        )
    case.exit()
    case.exit_reason = reason_code
    case.state_since = on
    row = _append_transition(
        case,
        from_state=from_state,
        on=on,
        by=by,
        batch=batch,
        reason=reason,
        exit_reason=reason_code,
        employment_form=employment_form,
        studiemedel=studiemedel,
    )
    _save(case, by=by, reason="case.exit", on=on)
    case_exited.send(sender=Case, case=case, on=on, by=by)
    return row


@unit_of_work
def spell_extend(
    *,
    case_id: int,
    on: date,
    reason: str,
    by: User,
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> Extension:
    """Extend the current spell by the rule's extension length (000 §4.4)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _check_date(case, on)
    _refuse_if(rules.extension_refusal(case, on=on, reason=reason))
    rule = case.programme.rule_for(case.state)
    assert rule is not None  # extension_refusal refuses a state without a rule
    samrad = rules.unused_samrad(case, on=on) if rule.extension_needs_samrad else None
    row = _write_extension(
        case,
        insats=case.state,
        on=on,
        months=rule.extension_months,
        reason=reason,
        samrad=samrad,
        by=by,
        batch=batch,
    )
    _save(case, by=by, reason="spell.extend", on=on)
    return row


@unit_of_work
def case_extend(
    *,
    case_id: int,
    on: date,
    months: int,
    reason: str,
    by: User,
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> Extension:
    """Extend the whole case, where the programme limits it (Sikta: once, up to 6 months, 003)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _check_date(case, on)
    _refuse_if(rules.case_extension_refusal(case, on=on, months=months, reason=reason))
    row = _write_extension(
        case, insats=rules.CASE_LIMIT, on=on, months=months, reason=reason, by=by, batch=batch
    )
    _save(case, by=by, reason="case.extend", on=on)
    return row


@unit_of_work
def samrad_record(
    *,
    case_id: int,
    on: date,
    by: User,
    note: str = "",
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> Samrad:
    """A samråd with Arbetsförmedlingen was held (000 §4.4)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    if not (by.has_perm("casework.decide_referral") or by.has_perm("casework.change_insats")):
        raise PermissionDenied(_("Du har inte behörighet att registrera samråd."))
    _open_case(case)
    _check_date(case, on)
    row = _write(case, Samrad(case=case, effective_on=on, note=note, actor=by, batch=batch))
    _save(case, by=by, reason="case.samrad", on=on)
    return row


def _open_case(case: Case) -> None:
    if case.state == State.AVSLUTAD:
        raise CaseRuleError(_("Ärendet är avslutat."))


@unit_of_work
def case_assign_coach(
    *,
    case_id: int,
    coach: User,
    by: User,
    reason: str = "",
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> Case:
    """The coordinator assigns or reassigns a coach of the case's unit, one journal row
    each (003 "Samordnare"); a reassignment needs a reason."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.decide_referral")
    _open_case(case)
    if not case.unit.members.filter(pk=coach.pk).exists():
        raise CaseRuleError(_("Coachen hör inte till ärendets enhet."))
    if case.coach_id == coach.pk:
        raise CaseRuleError(_("Coachen är redan coach för ärendet."))
    if case.coach_id is not None and not reason.strip():
        raise CaseRuleError(_("Ange varför ärendet får en ny coach."))
    row = CoachAssignment(
        case=case,
        effective_on=timezone.localdate(),
        from_coach=case.coach,
        to_coach=coach,
        reason=reason.strip(),
        actor=by,
        batch=batch,
    )
    case.coach = coach
    case._history_user, case._change_reason = by, "case.assign_coach"
    store.current().save(case)
    _write(case, row)
    return case


@unit_of_work
def enrolment_start(
    *,
    case_id: int,
    course: str,
    on: date,
    by: User,
    batch: ImportBatch | None = None,
    scope: int = 100,
    expected_version: int | None = None,
) -> Enrolment:
    """A kompetenshöjande enrolment starts beside the insats, Heltidsmodellen (000 §4.4)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _open_case(case)
    _check_date(case, on)
    if not course.strip():
        raise CaseRuleError(_("Ange kursen."))
    if _open_enrolment(case, course) is not None:
        raise CaseRuleError(_("Deltagaren är redan inskriven i %(c)s.") % {"c": course})
    if not 1 <= scope <= 100:
        raise CaseRuleError(_("Omfattningen måste vara mellan 1 och 100 procent av heltid."))
    enrolment = Enrolment(case=case, effective_on=on, course=course, scope=scope, actor=by)
    enrolment.batch = batch
    row = _write(case, enrolment)
    _save(case, by=by, reason="enrolment.start", on=on)
    return row


def _open_enrolment(case: Case, course: str) -> Enrolment | None:
    rows = [e for e in facts_of(case).open_enrolments if e.course == course]
    return max(reversed(rows), key=lambda e: e.effective_on, default=None)


@unit_of_work
def enrolment_end(
    *,
    case_id: int,
    course: str,
    on: date,
    by: User,
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> EnrolmentEnd:
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _check_date(case, on)
    enrolment = _open_enrolment(case, course)
    if enrolment is None:
        raise CaseRuleError(_("Deltagaren har ingen pågående inskrivning i %(c)s.") % {"c": course})
    row = _write(
        case, EnrolmentEnd(case=case, enrolment=enrolment, effective_on=on, actor=by, batch=batch)
    )
    _save(case, by=by, reason="enrolment.end", on=on)
    return row


@unit_of_work
def followup_record(
    *,
    case_id: int,
    on: date,
    receives_eb: bool,
    by: User,
    batch: ImportBatch | None = None,
    expected_version: int | None = None,
) -> FollowUp:
    """The 6-month follow-up of the earliest ended anställning that has none and is due by
    `on` + 14 days: every ended anställning has its own (000 §4.5, UT6; domain.md)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _check_date(case, on)
    _refuse_if(rules.followup_refusal(case, on))
    spell = rules.followup_target(case, on)
    assert spell is not None and spell.end is not None
    row = _write(
        case,
        FollowUp(
            case=case,
            effective_on=on,
            spell_ended_on=spell.end,
            receives_eb=receives_eb,
            actor=by,
            batch=batch,
        ),
    )
    _save(case, by=by, reason="followup.record", on=on)
    return row


@unit_of_work
def note_add(
    *,
    case_id: int,
    text: str,
    on: date,
    by: User,
    is_objection: bool = False,
    expected_version: int | None = None,
) -> Note:
    """A dated, signed note (SoL 11:5; FL 27 §); an objection is an addendum (D4)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.add_note")
    _check_date(case, on)
    if not text.strip():
        raise CaseRuleError(_("Anteckningen är tom."))
    row = _write(
        case, Note(case=case, effective_on=on, text=text, is_objection=is_objection, actor=by)
    )
    _save(case, by=by, reason="note.add", on=on)
    return row


@transaction.atomic
def note_correct(*, note_id: int, text: str, by: User, expected_version: int | None = None) -> Note:
    """A correction is a new row; the original stays readable (C2)."""
    original = Note.objects.select_related("case").get(pk=note_id)
    case = _lock(original.case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.add_note")
    if original.corrections.exists():
        raise CaseRuleError(_("Anteckningen är redan rättad; rätta den senaste versionen."))
    if not text.strip():
        raise CaseRuleError(_("Anteckningen är tom."))
    return Note.objects.create(
        case=original.case,
        effective_on=original.effective_on,
        text=text,
        is_objection=original.is_objection,
        supersedes=original,
        actor=by,
    )


@unit_of_work
def assessment_record(
    *, case_id: int, step: int, on: date, by: User, expected_version: int | None = None
) -> Assessment:
    """A progression assessment on the programme's step scale (001; 002 §5)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    _require_perm(by, "casework.change_insats")
    _check_date(case, on)
    steps = len(case.programme.progression_steps)
    if not 1 <= step <= steps:
        raise CaseRuleError(_("Steget måste vara mellan 1 och %(n)s.") % {"n": steps})
    row = _write(case, Assessment(case=case, effective_on=on, step=step, actor=by))
    if case.baseline_step is None and case.state == State.AKTUALISERING:
        case.baseline_step = step  # the first assessment before any insats is the baseline
    _save(case, by=by, reason="assessment.record", on=on)
    return row


@transaction.atomic
def attendance_record(
    *,
    case_id: int,
    week: date,
    days_present: int,
    by: User,
    planned_days: int = 5,
    expected_version: int | None = None,
) -> Attendance:
    """Days present of planned days in one week of an insats (002 §5: the providers)."""
    case = store.current().case(case_id)
    ensure_unchanged(case, expected_version)
    if not by.has_perm("casework.add_attendance"):
        _require_perm(by, "casework.change_insats")
    if not case.programme.tracks_attendance:
        raise CaseRuleError(_("Programmet följer inte upp närvaro."))
    monday = week - timedelta(days=week.weekday())
    if monday > timezone.localdate():
        raise CaseRuleError(_("Veckan %(w)s har inte börjat.") % {"w": f"{monday:%G-W%V}"})
    if monday + timedelta(days=6) < case.referred_on:
        raise CaseRuleError(_("Veckan ligger före aktualiseringen."))
    if not 0 <= days_present <= 7:
        raise CaseRuleError(_("Antalet närvarodagar måste vara mellan 0 och 7."))
    if not 1 <= planned_days <= 7 or days_present > planned_days:
        raise CaseRuleError(_("Närvarodagarna kan inte vara fler än de planerade dagarna (1–7)."))
    _refuse_if(rules.attendance_week_refusal(case, monday))
    row = Attendance.objects.filter(case=case, week=monday).first() or Attendance(
        case=case, week=monday
    )
    row.days_present = days_present
    row.planned_days = planned_days
    row._history_user, row._change_reason = by, "attendance.record"
    row.save()
    return row
