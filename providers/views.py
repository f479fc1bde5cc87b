"""The provider's participants and attendance, and the coordinator's follow-up (002 §5–6).

Every page that shows a participant writes one access-log row (L1); a provider asking for
a case not placed with it gets 404 and a security event, like any out-of-scope read (S2).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import log_read
from casework.access import role_required

from . import selectors, services
from .forms import MonthForm, PlacementEndForm, PlacementForm, ProviderAttendanceForm


def _messages_of(error: Exception) -> list[str]:
    return list(getattr(error, "messages", [str(error)]))


@login_required
@role_required("leverantor")
@never_cache
def participants(request):
    """Name, birth year, insats, planned end and recent attendance; nothing else (002 §6)."""
    rows = selectors.provider_rows(request.user, today=timezone.localdate())
    log_read(
        user=request.user,
        action="provider.participants",
        participant_ids=[r.case.participant_id for r in rows],
        route=request.path,
    )
    return render(request, "providers/participants.html", {"rows": rows})


@login_required
@role_required("leverantor")
@never_cache
def attendance(request, pk: int):
    """GET: the week form for one placed participant; POST records it."""
    case = selectors.placed_case_or_404(request.user, pk, route=request.path)
    form = ProviderAttendanceForm(request.POST or None)
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_attendance_record(
                case_id=case.pk, by=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            refusals = _messages_of(error)
        else:
            messages.success(request, _("Närvaron är registrerad."))
            return redirect("providers:participants")
    log_read(
        user=request.user,
        action="provider.attendance",
        participant_ids=[case.participant_id],
        route=request.path,
    )
    context = {"case": case, "form": form, "refusals": refusals}
    return render(request, "providers/attendance_form.html", context)


@login_required
@role_required("coordinator")
@never_cache
def follow_up(request):
    """Attendance per participant and month in %, and those under the threshold (002 §5)."""
    today = timezone.localdate()
    period = MonthForm(request.GET or None)
    valid = period.is_valid()
    month = (period.cleaned_data.get("manad") if valid else None) or today.replace(day=1)
    threshold = (period.cleaned_data.get("grans") if valid else None) or (
        selectors.DEFAULT_THRESHOLD
    )
    rows = selectors.attendance_by_month(request.user, month=month)
    placement = PlacementForm(cases=selectors.placeable_cases(request.user))
    placements = list(selectors.active_placements(request.user))
    shown = [r.case.participant_id for r in rows]
    shown += [c.participant_id for c in placement.fields["case"].queryset]
    shown += [p.case.participant_id for p in placements]
    log_read(
        user=request.user,
        action="provider.follow_up",
        participant_ids=shown,
        route=request.path,
        filter_description=f"månad {month:%Y-%m}, gräns {threshold} %",
    )
    context = {
        "period": period,
        "month": month,
        "threshold": threshold,
        "rows": rows,
        "low": selectors.under_threshold(rows, threshold),
        "placement": placement,
        "placements": placements,
    }
    return render(request, "providers/follow_up.html", context)


@require_POST
@login_required
@role_required("coordinator")
def place(request):
    form = PlacementForm(request.POST, cases=selectors.placeable_cases(request.user))
    if form.is_valid():
        try:
            services.placement_create(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for message in _messages_of(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Deltagaren är placerad hos leverantören."))
    else:
        messages.error(request, _("Välj deltagare och leverantör."))
    return redirect("providers:follow_up")


@login_required
@role_required("coordinator")
@never_cache
def placement_end(request, pk: int):
    """GET: the end form for one active placement; POST ends it on the date given."""
    placement = selectors.placement_or_404(request.user, pk, route=request.path)
    form = PlacementEndForm(request.POST or None, initial={"on": timezone.localdate()})
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(placement_id=placement.pk, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            refusals = _messages_of(error)
        else:
            messages.success(request, _("Placeringen är avslutad."))
            return redirect("providers:follow_up")
    log_read(
        user=request.user,
        action="provider.placement_end",
        participant_ids=[placement.case.participant_id],
        route=request.path,
    )
    context = {"placement": placement, "form": form, "refusals": refusals}
    return render(request, "providers/placement_end.html", context)
