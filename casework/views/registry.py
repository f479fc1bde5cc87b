"""The actions on a case: each parses one form and calls one service (STYLE.md).

State changes come from the state machine: a start or an exit is offered only when
django-fsm lists it for this user now, and a POST is re-checked on the server (A3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _lazy

from programmes.models import InsatsType

from .. import forms, rules, services, store
from ..assignment_forms import ReassignForm
from ..models import INSATS_STATES, Case, State
from ..selectors import followups_due


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form_class: type
    perform: Callable
    done: str
    transition: bool = False
    form_kwargs: dict = field(default_factory=dict)

    def form(self, data=None, *, case: Case, user, initial=None) -> forms.ActionForm:
        return self.form_class(data, case=case, user=user, initial=initial, **self.form_kwargs)


def _start(insats: str) -> Action:
    def perform(form, case, user):
        data = form.cleaned_data
        services.case_start_insats(
            case_id=case.pk,
            insats=insats,
            on=data["on"],
            by=user,
            workplace=data.get("workplace"),
            is_osa=data.get("is_osa", False),
            planned_end=data.get("planned_end"),
            reason=data.get("reason", ""),
        )

    label = InsatsType(insats).label
    return Action(
        f"start_{insats}",
        _lazy("Starta %(insats)s") % {"insats": label.lower()},
        forms.StartInsatsForm,
        perform,
        _lazy("Insatsen %(insats)s är startad.") % {"insats": label.lower()},
        transition=True,
        form_kwargs={"insats": insats},
    )


def _exit(form, case, user):
    data = form.cleaned_data
    services.case_exit(
        case_id=case.pk,
        on=data["on"],
        reason_code=data["reason_code"],
        reason=data["reason"],
        by=user,
    )


def _extend(form, case, user):
    data = form.cleaned_data
    services.spell_extend(case_id=case.pk, on=data["on"], reason=data["reason"], by=user)


def _samrad(form, case, user):
    data = form.cleaned_data
    services.samrad_record(case_id=case.pk, on=data["on"], note=data["note"], by=user)


def _enrol_start(form, case, user):
    data = form.cleaned_data
    services.enrolment_start(case_id=case.pk, course=data["course"], on=data["on"], by=user)


def _enrol_end(form, case, user):
    data = form.cleaned_data
    services.enrolment_end(case_id=case.pk, course=data["course"], on=data["on"], by=user)


def _note(form, case, user):
    data = form.cleaned_data
    services.note_add(
        case_id=case.pk,
        text=data["text"],
        on=data["on"],
        is_objection=data["is_objection"],
        by=user,
    )


def _note_correct(form, case, user):
    data = form.cleaned_data
    services.note_correct(note_id=data["note"], text=data["text"], by=user)


def _assessment(form, case, user):
    data = form.cleaned_data
    services.assessment_record(case_id=case.pk, step=data["step"], on=data["on"], by=user)


def _followup(form, case, user):
    data = form.cleaned_data
    services.followup_record(
        case_id=case.pk, on=data["on"], receives_eb=data["receives_eb"], by=user
    )


def _attendance(form, case, user):
    data = form.cleaned_data
    services.attendance_record(
        case_id=case.pk, week=data["week"], days_present=data["days_present"], by=user
    )


def _reassign(form, case, user):
    data = form.cleaned_data
    services.case_assign_coach(
        case_id=case.pk, coach=data["coach"], by=user, reason=data.get("reason", "")
    )


# name: (button label, form, service call, confirmation)
OTHER_ACTIONS = {
    "extend": (
        _lazy("Förläng insatsen"),
        forms.ExtendForm,
        _extend,
        _lazy("Insatsen är förlängd."),
    ),
    "samrad": (
        _lazy("Registrera samråd"),
        forms.SamradForm,
        _samrad,
        _lazy("Samrådet är registrerat."),
    ),
    "enrol_start": (
        _lazy("Starta kompetenshöjande insats"),
        forms.EnrolStartForm,
        _enrol_start,
        _lazy("Inskrivningen är registrerad."),
    ),
    "enrol_end": (
        _lazy("Avsluta kompetenshöjande insats"),
        forms.EnrolEndForm,
        _enrol_end,
        _lazy("Inskrivningen är avslutad."),
    ),
    "note": (_lazy("Skriv anteckning"), forms.NoteForm, _note, _lazy("Anteckningen är sparad.")),
    "note_correct": (
        _lazy("Rätta anteckning"),
        forms.NoteCorrectForm,
        _note_correct,
        _lazy("Rättelsen är sparad."),
    ),
    "assessment": (
        _lazy("Gör stegbedömning"),
        forms.AssessmentForm,
        _assessment,
        _lazy("Stegbedömningen är sparad."),
    ),
    "followup": (
        _lazy("Registrera uppföljning"),
        forms.FollowUpForm,
        _followup,
        _lazy("Uppföljningen är registrerad."),
    ),
    "reassign": (
        _lazy("Byt coach"),
        ReassignForm,
        _reassign,
        _lazy("Ärendet har fått en ny coach."),
    ),
    "attendance": (
        _lazy("Registrera närvaro"),
        forms.AttendanceForm,
        _attendance,
        _lazy("Närvaron är registrerad."),
    ),
}

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        *(_start(insats) for insats in INSATS_STATES),
        Action(
            "exit",
            _lazy("Avsluta ärendet"),
            forms.ExitForm,
            _exit,
            _lazy("Ärendet är avslutat."),
            transition=True,
        ),
        *(Action(name, *spec) for name, spec in OTHER_ACTIONS.items()),
    ]
}


def may_transition(case: Case, name: str, user) -> bool:
    """The permission half of django-fsm's check; the rule's reason comes from the service."""
    meta = getattr(case, name)._django_fsm
    return meta.has_transition(case.state) and meta.has_transition_perm(case, case.state, user)


def other_actions(case: Case, user) -> list[Action]:
    """The actions beside the state machine that apply to this case and user now."""
    names = []
    is_open = case.state != State.AVSLUTAD
    in_insats = case.state in INSATS_STATES
    may_change = user.has_perm("casework.change_insats")
    if in_insats and may_change and rules.has_extension_rule(case):
        names.append("extend")
    if is_open and (may_change or user.has_perm("casework.decide_referral")):
        names.append("samrad")
    if is_open and may_change:
        names += ["enrol_start", "assessment"]
    if may_change and case.enrolments.filter(corrections__isnull=True, ends__isnull=True):
        names.append("enrol_end")
    if is_open and user.has_perm("casework.add_note"):
        names.append("note")
    if may_change and followups_due(Case.objects.filter(pk=case.pk), until=date.max):
        names.append("followup")
    if is_open and may_change and case.programme.tracks_attendance:
        names.append("attendance")
    if is_open and user.has_perm("casework.decide_referral"):
        names.append("reassign")
    return [ACTIONS[n] for n in names]


def transition_actions(case: Case, user) -> list[Action]:
    """Exactly the transitions django-fsm allows now for this user, as actions (A3)."""
    with store.reading():  # each start condition asks the rules about the same facts
        return [ACTIONS[t.name] for t in case.get_available_user_state_transitions(user)]
