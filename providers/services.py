"""Writes of the provider side (Bromodellen 002 §5–6): placements and attendance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Attendance, Case
from casework.rules import CaseRuleError
from casework.selectors import visible_cases
from casework.services import attendance_record
from programmes.models import Organisation, OrganisationKind

from .models import Placement
from .selectors import active_placements, placed_cases, provider_placements

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def placement_create(
    *, case_id: int, provider: Organisation, by: User, planned_end: date | None = None
) -> Placement:
    """The coordinator places a participant with Bilda or Erikshjälpen (002 §5)."""
    if not by.has_perm("casework.decide_referral"):
        raise PermissionDenied(_("Du har inte behörighet att placera deltagare."))
    case = visible_cases(by).select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied(_("Ärendet finns inte bland dina ärenden."))
    if not case.is_open or not case.programme.tracks_attendance:
        raise CaseRuleError(_("Bara öppna ärenden i program som följer närvaro kan placeras."))
    if provider.kind != OrganisationKind.LEVERANTOR:
        raise CaseRuleError(_("%(o)s är ingen leverantör.") % {"o": provider.name})
    if Placement.objects.active().filter(case=case, provider=provider).exists():
        raise CaseRuleError(_("Deltagaren är redan placerad hos %(o)s.") % {"o": provider.name})
    placement = Placement(case=case, provider=provider, planned_end=planned_end, created_by=by)
    # django-simple-history reads these instance attributes; the model does not declare them.
    placement._history_user, placement._change_reason = by, "placement.create"  # type: ignore[attr-defined]
    placement.save()
    return placement


def _end(placement: Placement, *, on: date, by: User, reason: str) -> None:
    placement.ended_on = on
    # django-simple-history keeps every version: who placed, who ended, and when.
    placement._history_user, placement._change_reason = by, reason  # type: ignore[attr-defined]
    placement.save(update_fields=["ended_on"])


@transaction.atomic
def placement_end(*, placement_id: int, on: date, by: User) -> Placement:
    """The coordinator ends a placement on a date (002 §5). The provider may still record
    the weeks up to that date for 14 days; later weeks are refused."""
    if not by.has_perm("casework.decide_referral"):
        raise PermissionDenied(_("Du har inte behörighet att avsluta placeringar."))
    placement = (
        active_placements(by).select_for_update(of=("self",)).filter(pk=placement_id).first()
    )
    if placement is None:
        raise PermissionDenied(_("Placeringen finns inte bland dina aktiva placeringar."))
    if on < timezone.localtime(placement.created_at).date():
        raise CaseRuleError(
            _("Placeringen kan inte avslutas före den dag den gjordes (%(d)s).")
            % {"d": timezone.localtime(placement.created_at).date()}
        )
    if on > timezone.localdate():
        raise CaseRuleError(_("Slutdatumet kan inte ligga i framtiden."))
    _end(placement, on=on, by=by, reason="placement.end")
    return placement


def placements_end_with_case(
    sender: object, *, case: Case, on: date, by: User, **kwargs: object
) -> None:
    """A placement ends when the case exits, on the exit date (casework.signals.case_exited,
    sent inside `case_exit`'s transaction). An import's new case, not yet saved by its unit
    of work, and a programme that does not follow attendance have no placement."""
    if case.pk is None or not case.programme.tracks_attendance:
        return
    for placement in Placement.objects.active().select_for_update().filter(case=case):
        _end(placement, on=on, by=by, reason="placement.end.case_exit")


def _refuse_after_end(by: User, case_id: int, week: date) -> None:
    monday = week - timedelta(days=week.weekday())
    placement = provider_placements(by).filter(case_id=case_id).order_by("-pk").first()
    if placement is not None and placement.ended_on is not None and monday > placement.ended_on:
        raise CaseRuleError(
            _("Placeringen avslutades %(d)s; närvaro för senare veckor registreras inte.")
            % {"d": placement.ended_on}
        )


@transaction.atomic
def provider_attendance_record(
    *, case_id: int, week: date, days_present: int, planned_days: int, by: User
) -> Attendance:
    """A provider records days present of planned days for a participant placed with it."""
    if not placed_cases(by).filter(pk=case_id).exists():
        raise PermissionDenied(_("Deltagaren är inte placerad hos din organisation."))
    _refuse_after_end(by, case_id, week)
    return attendance_record(
        case_id=case_id, week=week, days_present=days_present, planned_days=planned_days, by=by
    )
