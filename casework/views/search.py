"""The search box: one page of matches, one access-log row naming what was searched (L1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from audit.services import log_read

from ..access import role_required
from ..search import MAX_RESULTS, search_cases


@login_required
@role_required("coach", "coordinator")
@never_cache
def search(request):
    text = request.GET.get("q", "").strip()[:100]
    result = search_cases(request.user, text) if text else None
    if result is not None:
        log_read(
            user=request.user,
            action="case.search",
            participant_ids=[c.participant_id for c in result.cases],
            route=request.path,
            filter_description=f"sökning: {result.description}",
        )
    return render(
        request,
        "casework/search.html",
        {"q": text, "result": result, "max_results": MAX_RESULTS},
    )
