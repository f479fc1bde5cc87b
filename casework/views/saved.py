"""Save and remove a named caseload or queue filter (issue 12, item 9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import role_required
from ..models import SavedFilter
from ..rules import CaseRuleError
from ..saved_filters import saved_filter_delete, saved_filter_save

PAGES: dict[str, str] = {
    SavedFilter.Page.CASELOAD: "casework:caseload",
    SavedFilter.Page.QUEUE: "referrals:queue",
}


def _page_url(page: str) -> str:
    return reverse(PAGES.get(page, "casework:caseload"))


@require_POST
@login_required
@role_required("coach", "coordinator")
def save_filter(request):
    page = request.POST.get("saved_page", "")
    query = QueryDict(request.POST.get("query", ""))
    try:
        saved = saved_filter_save(
            user=request.user, page=page, name=request.POST.get("name", ""), query=query
        )
    except CaseRuleError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(f"{_page_url(page)}?{query.urlencode()}")
    messages.success(request, _("Urvalet %(name)s är sparat.") % {"name": saved.name})
    return redirect(f"{_page_url(page)}?{saved.query}")


@require_POST
@login_required
@role_required("coach", "coordinator")
def delete_filter(request, pk: int):
    page = request.POST.get("saved_page", "")
    saved_filter_delete(user=request.user, pk=pk)
    messages.success(request, _("Urvalet är borttaget."))
    return redirect(_page_url(page))
