"""The coordinator's coach assignment: open cases without a coach, bulk assignment, and a
leaving coach's caseload moved in one step (issue 12, item 1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from audit.services import log_read

from ..access import role_required
from ..assignment import caseload_move, cases_assign_coach, unassigned_cases
from ..assignment_forms import BulkAssignForm, CaseloadMoveForm
from ..rules import CaseRuleError

PAGE_SIZE = 50


def _assigned_message(count: int) -> str:
    return ngettext("%(n)s ärende har fått coach.", "%(n)s ärenden har fått coach.", count) % {
        "n": count
    }


def _chosen(request) -> set[int]:
    return {int(v) for v in request.POST.getlist("cases") if v.isdigit()}


def _refusal_text(refusal: Exception) -> str:
    if isinstance(refusal, CaseRuleError):
        return " ".join(refusal.messages)
    return str(refusal) or _("Du har inte behörighet till den åtgärden.")


@login_required
@role_required("coordinator")
@never_cache
def unassigned(request):
    """Open cases in scope without a coach, any state; choose several, one coach, one submit."""
    user = request.user
    page = Paginator(unassigned_cases(user), PAGE_SIZE).get_page(request.GET.get("sida"))
    ids = [c.pk for c in page.object_list]
    form = BulkAssignForm(request.POST or None, user=user, case_ids=ids)
    if request.method == "POST" and form.is_valid():
        try:
            count = cases_assign_coach(
                case_ids=form.cleaned_data["cases"], coach=form.cleaned_data["coach"], by=user
            )
        except (CaseRuleError, PermissionDenied) as refusal:
            form.add_error(None, _refusal_text(refusal))
        else:
            messages.success(request, _assigned_message(count))
            return redirect("casework:unassigned")
    log_read(
        user=user,
        action="case.unassigned",
        participant_ids=[c.participant_id for c in page.object_list],
        route=request.path,
    )
    return render(
        request,
        "casework/unassigned.html",
        {"page": page, "form": form, "chosen": _chosen(request)},
    )


@login_required
@role_required("coordinator")
@never_cache
def move_caseload(request):
    """A coach leaves: every open case of theirs to another coach, with one reason."""
    form = CaseloadMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = caseload_move(
                from_coach=data["from_coach"],
                to_coach=data["to_coach"],
                by=request.user,
                reason=data["reason"],
            )
        except (CaseRuleError, PermissionDenied) as refusal:
            form.add_error(None, _refusal_text(refusal))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s ärende är flyttat till %(coach)s.",
                    "%(n)s ärenden är flyttade till %(coach)s.",
                    count,
                )
                % {"n": count, "coach": data["to_coach"].get_full_name()},
            )
            return redirect("casework:unassigned")
    return render(request, "casework/move_caseload.html", {"form": form})
