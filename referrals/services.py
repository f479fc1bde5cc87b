"""Intake: a referral (aktualisering) opens a case (domain.md; 003 "Samordnare")."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import personnummer, store
from casework.identity import record_identity
from casework.models import (
    Case,
    ExitReason,
    ImportBatch,
    Participant,
    State,
    Transition,
)
from casework.rules import CaseRuleError
from casework.selectors import visible_cases
from casework.services import (
    CapacityFull,
    case_exit,
    case_start_insats,
    ensure_startable,
    ensure_unchanged,
)
from casework.services import _append_transition as append_transition
from casework.store import unit_of_work
from casework.target_groups import TargetGroupInput, target_groups_record
from casework.text import ensure_clean_row, text_problem
from programmes.models import IncomeSupport, MemberMunicipality, Programme, Unit, Workplace

from .lookup import ProtectedRefusal, is_shielded, protected_referral_event
from .models import WaitingListEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import WaitingListQuerySet


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


def _participant(
    identity: personnummer.Identity,
    *,
    gender: str,
    first_name: str,
    last_name: str,
    by: User,
    batch: ImportBatch | None = None,
    operator: bool = False,
) -> tuple[Participant, bool]:
    """An existing person is reused, never duplicated; empty names are filled in. A new
    person's gender and protection are journaled (casework.identity).

    The flag says the person is protected (P1) and the user may not see them: then the
    stored person is left as it is, and the case is registered shielded."""
    person, created = store.current().participant(
        identity.canonical,
        {
            "birth_date": identity.birth_date,
            "gender": gender,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    if created:
        record_identity(person, by=by, batch=batch)
    elif not operator and is_shielded(person, by):
        return person, True
    elif (first_name and not person.first_name) or (last_name and not person.last_name):
        person.first_name = person.first_name or first_name
        person.last_name = person.last_name or last_name
        person._history_user, person._change_reason = by, "participant.names"
        store.current().save(person)
    return person, False


@unit_of_work
def referral_register(
    *,
    personnummer_value: str,
    gender: str,
    programme: Programme,
    unit: Unit,
    on: date,
    income_support: str,
    by: User,
    first_name: str = "",
    last_name: str = "",
    source: str = "",
    risk_note: str = "",
    referring_officer: str = "",
    referring_contact: str = "",
    referral_reason: str = "",
    baseline_step: int | None = None,
    batch: ImportBatch | None = None,
    home_municipality: MemberMunicipality | None = None,
    target_groups: TargetGroupInput | None = None,
    operator: bool = False,
) -> Case:
    """Log a referral: validate identity and eligibility, reuse the person, open the case.

    `operator` (the command-line import, unrestricted by design) never shields a case:
    the operator acts for every unit, and the person's own unit must see the stored name."""
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
    home_municipality = home_municipality or sole_member(programme)
    reasons += agreement_refusals(programme, home_municipality, baseline_step)
    reasons += name_refusals(first_name, last_name)
    if reasons:
        raise CaseRuleError(reasons)
    person, shielded = _participant(
        identity,
        gender=gender,
        first_name=first_name,
        last_name=last_name,
        by=by,
        batch=batch,
        operator=operator,
    )
    refuse = functools.partial(_refuse_open_case, person, programme, on, shielded, unit, by)
    refuse()
    case = Case(
        shielded=shielded,
        shown_name=f"{first_name} {last_name}".strip() if shielded else "",
        shown_gender=gender if shielded else "",
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
        home_municipality=home_municipality,
        age_at_referral=personnummer.age_on(identity.birth_date, on),
        state_since=on,
        last_event_on=on,
    )
    case._history_user, case._change_reason = by, "referral.register"
    try:
        store.current().save(case)
    except IntegrityError:  # a concurrent referral won the race for the open case
        refuse()
        raise
    append_transition(case, from_state="", on=on, by=by, batch=batch)
    if shielded:
        protected_referral_event(person, unit=unit, by=by)
    target_groups_record(case=case, facts=target_groups or TargetGroupInput(), by=by, batch=batch)
    return case


def sole_member(programme: Programme) -> MemberMunicipality | None:
    """A programme of one municipality needs no choice: the referral records that one."""
    # _sole_member is a per-instance memo, not a model field, so the stubs cannot know it.
    if not hasattr(programme, "_sole_member"):  # an import asks once per programme
        members = list(programme.municipalities.all()[:2])
        programme._sole_member = members[0] if len(members) == 1 else None  # type: ignore[attr-defined]
    return programme._sole_member  # type: ignore[attr-defined, no-any-return]


def agreement_refusals(
    programme: Programme, home: MemberMunicipality | None, baseline_step: int | None
) -> list[Any]:
    """The home municipality is one of the programme's; the baseline is on its scale (001
    "Kartläggning"; 002 §2). The baseline's refusal carries a stable code, which the API
    answers with (issue 16)."""
    reasons: list[Any] = []
    if home is not None and home.programme_id != programme.pk:
        reasons.append(
            _("%(m)s är inte en medlemskommun i %(p)s.") % {"m": home.name, "p": programme.code}
        )
    steps = len(programme.progression_steps)
    if baseline_step is not None and not 1 <= baseline_step <= steps:
        message = _("Steget måste vara mellan 1 och %(n)s.") % {"n": steps}
        reasons.append(ValidationError(message, code="baseline_out_of_range"))
    return reasons


def name_refusals(first_name: str, last_name: str) -> list[str]:
    """The rule layer's text check of the names, which no store write of a new person sees."""
    named = ((_("Förnamn"), first_name), (_("Efternamn"), last_name))
    return [f"{label}: {text_problem(value)}" for label, value in named if text_problem(value)]


def _refuse_open_case(
    person: Participant, programme: Programme, on: date, shielded: bool, unit: Unit, by: User
) -> None:
    """One open case per programme, and no referral before the last exit. Of a person the
    user may not see, either refusal would tell something: it is a `ProtectedRefusal`."""
    try:
        _refuse_second_case(person, programme, on)
    except CaseRuleError:
        if shielded:
            raise ProtectedRefusal(person, programme=programme, unit=unit, by=by) from None
        raise


def _refuse_second_case(person: Participant, programme: Programme, on: date) -> None:
    cases = store.current().cases_of(person.personnummer, programme)
    open_case = next((c for c in cases if c.state != State.AVSLUTAD), None)
    if open_case is not None:
        raise OpenCaseExists(
            _("Personen har redan ett öppet ärende i %(p)s.") % {"p": programme.code}, open_case
        )
    last_exit = max(cases, key=lambda c: c.last_event_on, default=None)
    if last_exit is not None and on < last_exit.last_event_on:
        raise CaseRuleError(
            _("En ny aktualisering kan inte ligga före förra ärendets avslut %(d)s.")
            % {"d": last_exit.last_event_on}
        )


# --- Decisions, capacity and the waiting list (coordinator workspace, issue 4) --------------


@dataclass(frozen=True)
class StartOutcome:
    """Either the insats started (`transition`) or the case waits for a place (`entry`)."""

    transition: Transition | None = None
    entry: WaitingListEntry | None = None

    @property
    def position(self) -> int | None:
        if self.entry is None:
            return None
        ahead = WaitingListEntry.objects.waiting().filter(
            programme=self.entry.programme, insats_type=self.entry.insats_type
        )
        return _ahead_of(ahead, self.entry.case).count() + 1


def _ahead_of(entries: WaitingListQuerySet, case: Case) -> WaitingListQuerySet:
    return entries.filter(
        Q(case__referred_on__lt=case.referred_on)
        | Q(case__referred_on=case.referred_on, case_id__lt=case.pk)
    )


def _locked_case(case_id: int, expected_version: int | None) -> Case:
    """The case, locked for the start or the queueing, as the user last saw it (D7)."""
    case = Case.objects.select_for_update().select_related("programme").get(pk=case_id)
    ensure_unchanged(case, expected_version)
    return case


def _start_details(
    workplace: Workplace | None,
    is_osa: bool,
    planned_end: date | None,
    scope: int,
    min_end: date | None = None,
    extension_reason: str | None = None,
) -> dict[str, Any]:
    """What a start decides besides the date: checked now, kept in line until it starts."""
    return {
        "workplace": workplace,
        "is_osa": is_osa,
        "planned_end": planned_end,
        "scope": scope,
        "min_end": min_end,
        "extension_reason": extension_reason or None,
    }


def _place_free(case: Case, insats: str, *, on: date, by: User, details: dict[str, Any]) -> bool:
    """Every check of the start passes (a refusal is raised), and a place is free on `on`
    with nobody ahead in line (000 §4.4; 002 §5)."""
    try:
        ensure_startable(case, insats, on=on, by=by, **details)
    except CapacityFull:
        return False
    if WaitingListEntry.objects.waiting().filter(case=case).exists():
        raise CaseRuleError(_("Ärendet står redan i väntelistan."))
    waiting = WaitingListEntry.objects.waiting().filter(
        programme=case.programme, insats_type=insats
    )
    return not _ahead_of(waiting, case).exists()


def _enqueue(
    case: Case, insats: str, *, on: date, by: User, reason: str, details: dict[str, Any]
) -> StartOutcome:
    if WaitingListEntry.objects.waiting().filter(case=case).exists():
        raise CaseRuleError(_("Ärendet står redan i väntelistan."))
    entry = WaitingListEntry(
        case=case,
        programme=case.programme,
        insats_type=insats,
        decided_on=on,
        reason=reason,
        queued_by=by,
        **(details | {"extension_reason": details["extension_reason"] or ""}),
    )
    ensure_clean_row(entry)
    entry.save()
    return StartOutcome(entry=entry)


@transaction.atomic
def insats_start_or_enqueue(
    *,
    case_id: int,
    insats: str,
    on: date,
    by: User,
    workplace: Workplace | None = None,
    is_osa: bool = False,
    planned_end: date | None = None,
    scope: int = 100,
    reason: str = "",
    min_end: date | None = None,
    extension_reason: str | None = None,
    expected_version: int | None = None,
) -> StartOutcome:
    """Start the insats if a place is free, else put the case in line (000 §4.4; 002 §5)."""
    case = _locked_case(case_id, expected_version)
    details = _start_details(workplace, is_osa, planned_end, scope, min_end, extension_reason)
    if _place_free(case, insats, on=on, by=by, details=details):
        row = case_start_insats(
            case_id=case.pk, insats=insats, on=on, by=by, reason=reason, **details
        )
        return StartOutcome(transition=row)
    return _enqueue(case, insats, on=on, by=by, reason=reason, details=details)


@transaction.atomic
def waiting_list_enqueue(
    *,
    case_id: int,
    insats: str,
    on: date,
    by: User,
    workplace: Workplace | None = None,
    is_osa: bool = False,
    planned_end: date | None = None,
    scope: int = 100,
    reason: str = "",
    min_end: date | None = None,
    extension_reason: str | None = None,
    expected_version: int | None = None,
) -> StartOutcome:
    """ "Sätt på väntelistan" from the case page: a start that every rule allows but the
    places, kept with the details the start will need. Refused where a place is free."""
    case = _locked_case(case_id, expected_version)
    details = _start_details(workplace, is_osa, planned_end, scope, min_end, extension_reason)
    if _place_free(case, insats, on=on, by=by, details=details):
        raise CaseRuleError(_("Det finns en ledig plats: starta insatsen i stället."))
    return _enqueue(case, insats, on=on, by=by, reason=reason, details=details)


@transaction.atomic
def waiting_list_start_next(
    *, programme: Programme, insats: str, on: date, by: User
) -> StartOutcome:
    """A freed place goes to the first in line, in referral order (002 §5), among the
    cases the user may act on: never another unit's case (issue 17 item 9). A case that
    has exited since it was put in line leaves the line (it cannot start)."""
    for ended in WaitingListEntry.objects.waiting().filter(
        programme=programme, insats_type=insats, case__state="avslutad"
    ):
        _resolve(ended, WaitingListEntry.Resolution.WITHDRAWN)
    entry = (
        WaitingListEntry.objects.waiting()
        .filter(programme=programme, insats_type=insats, case__in=visible_cases(by))
        .in_referral_order()
        .select_for_update()
        .first()
    )
    if entry is None:
        raise CaseRuleError(_("Ingen står i väntelistan."))
    row = case_start_insats(
        case_id=entry.case_id,
        insats=insats,
        on=on,
        by=by,
        workplace=entry.workplace,
        is_osa=entry.is_osa,
        planned_end=entry.planned_end,
        scope=entry.scope,
        min_end=entry.min_end,
        extension_reason=entry.extension_reason or None,
        reason=entry.reason,
    )
    _resolve(entry, WaitingListEntry.Resolution.STARTED)
    return StartOutcome(transition=row, entry=entry)


def _resolve(entry: WaitingListEntry, resolution: str) -> None:
    entry.resolved_at = timezone.now()
    entry.resolution = resolution
    entry.save(update_fields=["resolved_at", "resolution"])


@transaction.atomic
def referral_close(
    *, case_id: int, on: date, by: User, reason: str = "", expected_version: int | None = None
) -> Transition:
    """Close a referral as ej aktuell, taking the case out of any waiting list (domain.md)."""
    if not reason.strip():
        raise CaseRuleError(_("Ange varför ärendet inte är aktuellt."))
    row = case_exit(
        case_id=case_id,
        on=on,
        reason_code=ExitReason.EJ_AKTUELL,
        by=by,
        reason=reason,
        expected_version=expected_version,
    )
    for entry in WaitingListEntry.objects.waiting().filter(case_id=case_id):
        _resolve(entry, WaitingListEntry.Resolution.WITHDRAWN)
    return row
