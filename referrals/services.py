"""Intake: a referral (aktualisering) opens a case (domain.md; 003 "Samordnare")."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import personnummer
from casework.models import Case, ImportBatch, Participant, State, Transition
from casework.rules import CaseRuleError
from programmes.models import IncomeSupport, Programme, Unit


class OpenCaseExists(CaseRuleError):
    """The person already has an open case in the programme; `case` is that case."""

    def __init__(self, message: str, case: Case):
        super().__init__(message)
        self.case = case


def eligibility_refusals(
    programme: Programme, *, birth_date: date, on: date, income_support: str, risk_note: str
) -> list[str]:
    """Every reason the person is outside the programme's target group (000 §4.4; 003)."""
    reasons = []
    age = personnummer.age_on(birth_date, on)
    if not programme.min_age <= age <= programme.max_age:
        reasons.append(
            _("Åldern %(age)s år ligger utanför målgruppen %(min)s–%(max)s år.")
            % {"age": age, "min": programme.min_age, "max": programme.max_age}
        )
    if income_support not in IncomeSupport.values:
        reasons.append(_("Okänd försörjningskod: %(c)s.") % {"c": income_support})
    elif income_support == IncomeSupport.RISK and programme.risk_exception:
        if not risk_note.strip():
            reasons.append(
                _("Undantaget RISK kräver en anteckning om samverkan med Campus eller Af.")
            )
    elif income_support not in programme.income_support_codes:
        reasons.append(
            _("Försörjningen %(c)s ingår inte i programmets målgrupp.")
            % {"c": IncomeSupport(income_support).label}
        )
    if on < programme.valid_from or (programme.valid_to and on > programme.valid_to):
        reasons.append(_("Programmet gäller inte på datumet %(on)s.") % {"on": on})
    return reasons


def _participant(identity, *, gender: str, first_name: str, last_name: str, by) -> Participant:
    """An existing person is reused, never duplicated; empty names are filled in."""
    person, created = Participant.objects.select_for_update().get_or_create(
        personnummer=identity.canonical,
        defaults={
            "birth_date": identity.birth_date,
            "gender": gender,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    if not created and (
        (first_name and not person.first_name) or (last_name and not person.last_name)
    ):
        person.first_name = person.first_name or first_name
        person.last_name = person.last_name or last_name
        person._history_user, person._change_reason = by, "participant.names"
        person.save()
    return person


@transaction.atomic
def referral_register(
    *,
    personnummer_value: str,
    gender: str,
    programme: Programme,
    unit: Unit,
    on: date,
    income_support: str,
    by,
    first_name: str = "",
    last_name: str = "",
    source: str = "",
    risk_note: str = "",
    referring_officer: str = "",
    referring_contact: str = "",
    referral_reason: str = "",
    baseline_step: int | None = None,
    batch: ImportBatch | None = None,
) -> Case:
    """Log a referral: validate identity and eligibility, reuse the person, open the case."""
    if not by.has_perm("casework.decide_referral"):
        raise PermissionDenied(_("Du har inte behörighet att registrera aktualiseringar."))
    if on > timezone.localdate():
        raise CaseRuleError(_("Datumet %(on)s ligger i framtiden.") % {"on": on})
    identity = personnummer.parse(personnummer_value)
    if gender not in ("K", "M", "X"):
        raise ValidationError(_("Kön måste vara K, M eller X."))
    reasons = eligibility_refusals(
        programme,
        birth_date=identity.birth_date,
        on=on,
        income_support=income_support,
        risk_note=risk_note,
    )
    if reasons:
        raise CaseRuleError(reasons)
    person = _participant(
        identity, gender=gender, first_name=first_name, last_name=last_name, by=by
    )
    _refuse_open_case(person, programme, on)
    case = Case(
        participant=person,
        programme=programme,
        unit=unit,
        referred_on=on,
        income_support=income_support,
        source=source,
        risk_note=risk_note,
        referring_officer=referring_officer,
        referring_contact=referring_contact,
        referral_reason=referral_reason,
        baseline_step=baseline_step,
        state_since=on,
        last_event_on=on,
    )
    case._history_user, case._change_reason = by, "referral.register"
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # a concurrent referral won the race for the open case
        _refuse_open_case(person, programme, on)
        raise
    Transition.objects.create(
        case=case,
        seq=1,
        from_state="",
        to_state=State.AKTUALISERING,
        effective_on=on,
        actor=by,
        batch=batch,
    )
    return case


def _refuse_open_case(person: Participant, programme: Programme, on: date) -> None:
    open_case = Case.objects.open().filter(participant=person, programme=programme).first()
    if open_case is not None:
        raise OpenCaseExists(
            _("Personen har redan ett öppet ärende i %(p)s.") % {"p": programme.code}, open_case
        )
    last_exit = (
        Case.objects.filter(participant=person, programme=programme)
        .order_by("-last_event_on")
        .first()
    )
    if last_exit is not None and on < last_exit.last_event_on:
        raise CaseRuleError(
            _("En ny aktualisering kan inte ligga före förra ärendets avslut %(d)s.")
            % {"d": last_exit.last_event_on}
        )
