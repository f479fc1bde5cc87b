"""The actions on a case: each parses one form and calls one service (STYLE.md).

State changes come from the state machine: a start or an exit is offered only when
django-fsm lists it for this user now, and a POST is re-checked on the server (A3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from programmes.models import InsatsType

from .. import forms, rules, services
from ..assignment_forms import ReassignForm
from ..case_page import one_read
from ..facts import facts_of
from ..models import INSATS_STATES, Case, State
from ..target_group_forms import TargetGroupCorrectForm, target_group_input
from ..target_groups import target_groups_correct
from ..work_check import work_check_open, work_check_record

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _version(form) -> int | None:
    """The case version the form was rendered from (docs/adr/0105)."""
    return form.cleaned_data.get("version")


@dataclass(frozen=True)
class Action:
    name: str
    label: StrOrPromise
    form_class: type
    perform: Callable
    done: StrOrPromise
    transition: bool = False
    form_kwargs: dict = field(default_factory=dict)

    def form(self, data=None, *, case: Case, user, initial=None) -> forms.ActionForm:
        return self.form_class(data, case=case, user=user, initial=initial, **self.form_kwargs)


def _enqueue(form, case, user, insats: str) -> str:
    """ "Sätt på väntelistan": the start's details wait for a place (000 §4.4; 002 §5)."""
    from referrals.services import waiting_list_enqueue  # the list is the intake's

    data = form.cleaned_data
    outcome = waiting_list_enqueue(
        case_id=case.pk,
        insats=insats,
        on=data["on"],
        by=user,
        workplace=data.get("workplace"),
        is_osa=data.get("is_osa", False),
        planned_end=data.get("planned_end"),
        scope=data.get("scope") or 100,
        min_end=data.get("min_end"),
        extension_reason=data.get("extension_reason"),
        reason=data.get("reason", ""),
        expected_version=_version(form),
    )
    return _("Ärendet står som nummer %(n)s i väntelistan för %(i)s.") % {
        "n": outcome.position,
        "i": InsatsType(insats).label.lower(),
    }


def _start(insats: str) -> Action:
    def perform(form, case, user):
        data = form.cleaned_data
        if data.get("waiting_list"):
            return _enqueue(form, case, user, insats)
        services.case_start_insats(
            case_id=case.pk,
            insats=insats,
            on=data["on"],
            by=user,
            workplace=data.get("workplace"),
            is_osa=data.get("is_osa", False),
            planned_end=data.get("planned_end"),
            reason=data.get("reason", ""),
            expected_version=_version(form),
            scope=data.get("scope") or 100,
            min_end=data.get("min_end"),
            extension_reason=data.get("extension_reason") or None,
        )
        return None

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
        employment_form=data["employment_form"],
        studiemedel=data["studiemedel"],
        by=user,
        expected_version=_version(form),
    )


def _extend(form, case, user):
    data = form.cleaned_data
    services.spell_extend(
        case_id=case.pk,
        on=data["on"],
        reason=data["reason"],
        by=user,
        expected_version=_version(form),
    )


def _extend_case(form, case, user):
    data = form.cleaned_data
    services.case_extend(
        case_id=case.pk,
        on=data["on"],
        months=data["months"],
        reason=data["reason"],
        by=user,
        expected_version=_version(form),
    )


def _samrad(form, case, user):
    data = form.cleaned_data
    services.samrad_record(
        case_id=case.pk, on=data["on"], note=data["note"], by=user, expected_version=_version(form)
    )


def _enrol_start(form, case, user):
    data = form.cleaned_data
    services.enrolment_start(
        case_id=case.pk,
        course=data["course"],
        on=data["on"],
        by=user,
        expected_version=_version(form),
    )


def _enrol_end(form, case, user):
    data = form.cleaned_data
    services.enrolment_end(
        case_id=case.pk,
        course=data["course"],
        on=data["on"],
        by=user,
        expected_version=_version(form),
    )


def _note(form, case, user):
    data = form.cleaned_data
    services.note_add(
        case_id=case.pk,
        text=data["text"],
        on=data["on"],
        is_objection=data["is_objection"],
        by=user,
        expected_version=_version(form),
    )


def _note_correct(form, case, user):
    data = form.cleaned_data
    services.note_correct(
        note_id=data["note"], text=data["text"], by=user, expected_version=_version(form)
    )


def _assessment(form, case, user):
    data = form.cleaned_data
    services.assessment_record(
        case_id=case.pk, step=data["step"], on=data["on"], by=user, expected_version=_version(form)
    )


def _followup(form, case, user):
    data = form.cleaned_data
    services.followup_record(
        case_id=case.pk,
        on=data["on"],
        receives_eb=data["receives_eb"],
        by=user,
        expected_version=_version(form),
    )


def _work_check(form, case, user):
    data = form.cleaned_data
    work_check_record(
        case_id=case.pk,
        on=data["on"],
        lasted_month=data["lasted_month"],
        by=user,
        expected_version=_version(form),
    )


def _attendance(form, case, user):
    data = form.cleaned_data
    services.attendance_record(
        case_id=case.pk,
        week=data["week"],
        days_present=data["days_present"],
        planned_days=data["planned_days"],
        by=user,
        expected_version=_version(form),
    )


def _target_groups(form, case, user):
    target_groups_correct(
        case_id=case.pk,
        facts=target_group_input(form.cleaned_data),
        reason=form.cleaned_data["reason"],
        by=user,
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
    "extend_case": (
        _lazy("Förläng ärendet"),
        forms.CaseExtendForm,
        _extend_case,
        _lazy("Ärendet är förlängt."),
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
    "work_check": (
        _lazy("Följ upp arbetet efter en månad"),
        forms.WorkCheckForm,
        _work_check,
        _lazy("Uppföljningen av arbetet är registrerad."),
    ),
    "target_groups": (
        _lazy("Rätta målgrupper"),
        TargetGroupCorrectForm,
        _target_groups,
        _lazy("Målgruppsuppgifterna är rättade."),
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
    if in_insats and may_change and case.programme.case_max_extensions:
        names.append("extend_case")
    if is_open and (may_change or user.has_perm("casework.decide_referral")):
        names.append("samrad")
    if is_open and may_change:
        names += ["enrol_start", "assessment"]
    if may_change and facts_of(case).open_enrolments:  # the page's one read (case_page)
        names.append("enrol_end")
    if is_open and user.has_perm("casework.add_note"):
        names.append("note")
    if may_change and rules.followup_unrecorded(case):  # the page's one read, as above
        names.append("followup")
    if may_change and work_check_open(case):
        names.append("work_check")
    if is_open and may_change and case.programme.tracks_attendance:
        names.append("attendance")
    return [ACTIONS[n] for n in names + _coordinator_actions(case, user, may_change, is_open)]


def _coordinator_actions(case: Case, user, may_change: bool, is_open: bool) -> list[str]:
    """Facts a coordinator keeps: target groups (004 §3–4) and the coach (003)."""
    decides = user.has_perm("casework.decide_referral")
    names = []
    if case.programme.target_groups and (may_change or decides):
        names.append("target_groups")
    if is_open and decides:
        names.append("reassign")
    return names


def transition_actions(case: Case, user) -> list[Action]:
    """Exactly the transitions django-fsm allows now for this user, as actions (A3)."""
    with one_read():  # each start condition asks the rules about the same facts
        # django-fsm adds get_available_user_<field>_transitions to the class at run time.
        transitions = case.get_available_user_state_transitions(user)  # type: ignore[attr-defined]
        return [ACTIONS[t.name] for t in transitions]
