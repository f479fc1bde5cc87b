"""Opening and performing an action on a case (W2, HX1, A1, A3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from audit.services import log_read

from ..models import Case
from ..rules import CaseRuleError
from ..selectors import case_in_scope_or_404
from ..services import CapacityFull
from .detail import render_detail
from .registry import ACTIONS, Action, may_transition


@login_required
@never_cache
def case_action(request, pk: int, action: str):
    """GET opens the action's form (a fragment for htmx); POST performs it (HX1)."""
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if request.method == "POST":
        return _perform(request, case, spec)
    form = spec.form(case=case, user=request.user, initial=_initial(request))
    form.describe()
    if request.htmx:
        log_read(
            user=request.user,
            action="case.action_form",
            participant_ids=[case.participant_id],
            route=request.path,
        )
        return render(
            request, "casework/_action_form.html", {"case": case, "action": spec, "form": form}
        )
    return render_detail(request, case, action=spec, form=form)


def _initial(request) -> dict:
    note = request.GET.get("note", "")
    return {"note": int(note)} if note.isdigit() else {}


def _perform(request, case: Case, spec: Action):
    user = request.user
    form = spec.form(request.POST, case=case, user=user)
    status = 200
    if spec.transition and not may_transition(case, spec.name, user):
        form.is_valid()
        form.add_error(None, _("Åtgärden är inte tillåten för dig i ärendets nuvarande läge."))
        status = 403
    elif form.is_valid():
        try:
            done = spec.perform(form, case, user)
        except CaseRuleError as error:
            form.add_error(None, error.messages)
            # A full programme offers the waiting list with the same details (issue 11).
            form.offer_waiting_list = isinstance(error, CapacityFull) and form.has_places
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Du har inte behörighet till den åtgärden."))
            status = 403
        else:
            messages.success(request, str(done or spec.done))
            return redirect("casework:case_detail", pk=case.pk)
    form.describe()
    return render_detail(request, case, action=spec, form=form, status=status)
