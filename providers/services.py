"""Writes of the provider side (Bromodellen 002 §5–6): placements and attendance."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from casework.models import Attendance
from casework.rules import CaseRuleError
from casework.selectors import visible_cases
from casework.services import attendance_record
from programmes.models import Organisation, OrganisationKind

from .models import Placement
from .selectors import placed_cases

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


@transaction.atomic
def provider_attendance_record(
    *, case_id: int, week: date, days_present: int, planned_days: int, by: User
) -> Attendance:
    """A provider records days present of planned days for a participant placed with it."""
    if not placed_cases(by).filter(pk=case_id).exists():
        raise PermissionDenied(_("Deltagaren är inte placerad hos din organisation."))
    return attendance_record(
        case_id=case_id, week=week, days_present=days_present, planned_days=planned_days, by=by
    )
