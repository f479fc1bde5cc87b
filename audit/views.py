"""Auditor pages: access log (L4), participant history (D2) and register extract (G1).

Only auditors and admins reach them; anyone else, and any participant outside
`auditable_participants`, gets the same 404 as a missing id (S2) and a security event.
Each page that shows personal data writes exactly one access-log row (L1).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework.personnummer import parse
from casework.selectors import (
    AUDIT_ROLES,
    auditable_cases,
    auditable_participant_or_404,
    auditable_participants,
    roles_of,
)
from casework.signals import scope_refused
from config.replica import reads_from_replica

from . import access_log as log_page
from . import extract
from .models import AccessLog
from .pdf import pdf_response
from .services import log_read


def _require_auditor(request) -> None:
    if not set(AUDIT_ROLES) & roles_of(request.user):
        scope_refused.send(
            sender=AccessLog,
            user=request.user,
            case_id=None,
            route=request.path,
            object_ref="audit",
        )
        raise Http404


@reads_from_replica
def access_log(request):
    """The monthly log review (L4); see `audit.access_log`."""
    return log_page.access_log(request, require_auditor=_require_auditor)


@require_http_methods(["GET"])
@reads_from_replica
def participant_history(request, participant_id: int):
    _require_auditor(request)
    person = auditable_participant_or_404(request.user, participant_id, route=request.path)
    row = log_read(
        user=request.user,
        action="audit.participant_history",
        participant_ids=[person.pk],
        route=request.path,
    )
    scope = auditable_cases(request.user)
    events = [e for e in extract.timeline(person, scope) if e.ref != f"accesslog #{row.pk}"]
    context = {"person": person, "events": events, "years": _years(events)}
    return render(request, "audit/participant_history.html", context)


def _years(events) -> list[int]:
    return sorted({e.effective_on.year for e in events})


@require_http_methods(["GET"])
@reads_from_replica
def register_extract(request, participant_id: int):
    _require_auditor(request)
    person = auditable_participant_or_404(request.user, participant_id, route=request.path)
    row = log_read(
        user=request.user,
        action="audit.register_extract",
        participant_ids=[person.pk],
        route=request.path,
    )
    result = extract.register_extract(person, auditable_cases(request.user))
    result.events = [e for e in result.events if e.ref != f"accesslog #{row.pk}"]
    context = {"extract": result, "years": _years(result.events)}
    return render(request, "audit/register_extract.html", context)


@require_http_methods(["GET"])
@reads_from_replica
def register_extract_pdf(request, participant_id: int):
    """The extract as a PDF the auditor can hand over (G1); its download is logged (L1)."""
    _require_auditor(request)
    person = auditable_participant_or_404(request.user, participant_id, route=request.path)
    row = log_read(
        user=request.user,
        action="audit.register_extract.pdf",
        participant_ids=[person.pk],
        route=request.path,
    )
    result = extract.register_extract(person, auditable_cases(request.user))
    result.events = [e for e in result.events if e.ref != f"accesslog #{row.pk}"]
    return pdf_response(request, result, years=_years(result.events))


class FindPersonForm(forms.Form):
    personnummer = forms.CharField(label=_("Personnummer"), max_length=13)

    def clean_personnummer(self):
        try:
            return parse(self.cleaned_data["personnummer"]).canonical
        except ValidationError as exc:
            raise ValidationError(_("Ogiltigt personnummer.")) from exc


@require_http_methods(["GET", "POST"])
def find_person(request):
    """Look a person up by personnummer in a POST body, never in the URL (G4)."""
    _require_auditor(request)
    form = FindPersonForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        person = (
            auditable_participants(request.user)
            .filter(personnummer=form.cleaned_data["personnummer"])
            .first()
        )
        if person is not None:
            return redirect("audit:register_extract", participant_id=person.pk)
        not_found = True
    return render(request, "audit/find_person.html", {"form": form, "not_found": not_found})
