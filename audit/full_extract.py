"""The register extract across every organisation, for the person themself (GDPR art. 15;
issue 17 item 5).

The ordinary extract (`audit.views.register_extract`) stops at the auditor's units. This
one is a separate, explicit operation: only a user given the permission
`audit.full_register_extract` (the dataskyddsombud, granted by an operator) or the
operator's `registerutdrag` command may run it, always with the ärendenummer of the
person's request. Each use writes one access-log row naming the person and the request,
and one `registerutdrag_alla` security event, so that every organisation's review sees
it. The personnummer travels in a POST body, never in a URL (G4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from casework.models import Participant
from casework.personnummer import parse
from casework.rules import CaseRuleError
from casework.text import text_problem

from . import extract
from .models import SecurityEvent
from .services import log_read

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERMISSION = "audit.full_register_extract"
MAX_REF = 60


def clean_request_ref(value: str) -> str:
    """The ärendenummer (diarienummer) of the person's request: required, short, plain."""
    ref = " ".join(value.split())
    if not ref:
        raise CaseRuleError(_("Ange ärendenumret för den registrerades begäran."))
    if len(ref) > MAX_REF or text_problem(ref):
        raise CaseRuleError(_("Ärendenumret får vara högst %(n)s vanliga tecken.") % {"n": MAX_REF})
    return ref


def _record_use(
    person: Participant | None, *, ref: str, by: User | None, operator: str, route: str
) -> int:
    """One access-log row and one security event per use, found or not; the row's id."""
    found = "" if person is not None else ", ingen person lagrad"
    row = log_read(
        user=by,
        operator=operator,
        action="audit.register_extract.full",
        participant_ids=[person.pk] if person is not None else [],
        route=route,
        filter_description=f"art. 15, ärende {ref}{found}",
    )
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.FULL_EXTRACT,
        user=by,
        route=route[:300],
        object_ref=f"participant:{person.pk}" if person is not None else "",
        detail=f"ärende {ref}{found}{'; ' + operator if operator else ''}"[:300],
    )
    return row.pk


def full_register_extract(
    *, personnummer: str, request_ref: str, by: User | None, operator: str = "", route: str
) -> extract.Extract:
    """Everything stored about the person, in every organisation; each use is logged,
    also when nobody with the number is stored (that answer is a disclosure too)."""
    if by is not None and not by.has_perm(PERMISSION):
        raise CaseRuleError(
            _("Du har inte behörighet att ta registerutdrag över alla organisationer.")
        )
    ref = clean_request_ref(request_ref)
    canonical = parse(personnummer).canonical
    person = Participant.objects.filter(personnummer=canonical).first()
    row_pk = _record_use(person, ref=ref, by=by, operator=operator, route=route)
    if person is None:
        raise CaseRuleError(_("Ingen person med det personnumret finns lagrad."))
    result = extract.register_extract(person)
    result.events = [e for e in result.events if e.ref != f"accesslog #{row_pk}"]
    return result
