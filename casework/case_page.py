"""One read of a case for everything its page asks the rules (issue 15).

The case page asks the rules many questions about one case: django-fsm runs every
offered transition's start condition (each evaluating the start rules), and the header
asks for extensions used, past overstays and an early exit. Each question used to read
the case's journal again (five queries a time, four times a page). `one_read` makes
them share one `CaseFacts` for the request, and `with_rules` fetches the programme's
InsatsRule rows once instead of once per question.

For reads only: a service called inside would join this store instead of opening its
own unit of work (casework.store.unit_of_work), so the page's writes stay outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import prefetch_related_objects

from . import store
from .models import Case


@contextmanager
def one_read() -> Iterator[None]:
    """The facts of a case are read at most once inside; nested uses share the outer read."""
    if store._active.get() is not None:
        yield
        return
    with store.reading():
        yield


def with_rules(case: Case) -> Case:
    """The case with its programme's insats rules fetched in one query."""
    prefetch_related_objects([case], "programme__rules")
    return case
