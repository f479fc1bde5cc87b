"""One search box over the cases the user may see: personnummer in any accepted form, or name.

Only through `visible_cases` (S1): a person outside the user's scope is not found, and
nothing says they exist elsewhere (S2). A person with skyddad identitet is never found
by name, only by the full personnummer and only by those who may see them (P1).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from . import personnummer
from .models import Case
from .selectors import visible_cases
from .text import text_problem

MAX_RESULTS = 50
_DIGITS = re.compile(r"^[\d\s+-]+$")


@dataclass(frozen=True)
class SearchResult:
    cases: list[Case]
    description: str  # what was searched, for the access log: kind and keyed hash, no text
    error: str = ""


def search_key(normalised: str) -> str:
    """A keyed hash of the searched text (issue 17 item 6; docs/access-control.md).

    The access-log row keeps this instead of the text: an auditor who holds a
    personnummer or name finds every search for it (`audit.access_log`), while someone
    who reads the table without the key learns nothing from it. The key is
    `AUDIT_CHAIN_KEY`, separated by purpose from the chain's own use of it.
    """
    key = hmac.new(settings.AUDIT_CHAIN_KEY.encode(), b"case-search", hashlib.sha256).digest()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()[:24]


def name_key(text: str) -> str:
    return search_key("namn:" + " ".join(text.lower().split()))


def personnummer_key(canonical: str) -> str:
    return search_key("personnummer:" + canonical)


def looks_like_personnummer(text: str) -> bool:
    return bool(_DIGITS.match(text)) and sum(ch.isdigit() for ch in text) >= 6


def _by_name(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    for term in text.split():
        cases = cases.filter(
            Q(participant__first_name__icontains=term) | Q(participant__last_name__icontains=term)
        )
    return cases.filter(participant__skyddad_identitet=False)


def search_cases(user, text: str) -> SearchResult:
    """Cases in scope whose person matches; open cases first, then the latest referral."""
    text = " ".join(text.split())
    problem = text_problem(text)
    if problem:  # a NUL would be a database error on PostgreSQL (issue 17, Low)
        return SearchResult([], "ogiltig söktext", error=problem)
    cases: QuerySet[Case] = visible_cases(user)
    if looks_like_personnummer(text):
        try:
            identity = personnummer.parse(text.replace(" ", ""))
        except ValidationError as error:
            return SearchResult([], "ogiltigt personnummer", error=" ".join(error.messages))
        cases = cases.filter(participant__personnummer=identity.canonical)
        description = f"personnummer, nyckel {personnummer_key(identity.canonical)}"
    else:
        cases = _by_name(cases, text)
        description = f"namn, nyckel {name_key(text)}"
    rows = cases.select_related("participant", "programme", "coach").order_by(
        "exit_reason", "-referred_on", "pk"
    )
    return SearchResult(list(rows[:MAX_RESULTS]), description)
