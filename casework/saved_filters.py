"""Saved filters: a caseload or queue filter under a name, per user (issue 12, item 9).

Only the filter's query string is stored, never a result: opening a saved filter runs
the page's own filter again, through the one scoping rule, and logs the read as usual.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from .models import SavedFilter
from .rules import CaseRuleError

PAGING = {"page", "sida", "csrfmiddlewaretoken", "per_page"}
_KEY = re.compile(r"^[a-z_]{1,40}$")


def clean_query(query: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for key in query:
        if _KEY.match(key) and key not in PAGING:
            kept.setlist(key, [v[:200] for v in query.getlist(key) if v])
    return kept.urlencode()[:1000]


def saved_filters(user, page: str) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user, page=page)


@transaction.atomic
def saved_filter_save(*, user, page: str, name: str, query: QueryDict) -> SavedFilter:
    """Save, or replace, the user's filter of that name on that page."""
    name = " ".join(name.split())[:80]
    if not name:
        raise CaseRuleError(_("Ge urvalet ett namn."))
    if page not in SavedFilter.Page.values:
        raise CaseRuleError(_("Okänd sida."))
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, page=page, name=name, defaults={"query": clean_query(query)}
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, user, pk: int) -> None:
    SavedFilter.objects.filter(user=user, pk=pk).delete()
