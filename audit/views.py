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

from casework.models import Case
from casework.personnummer import parse
from casework.selectors import (
    AUDIT_ROLES,
    auditable_cases,
    auditable_participant_or_404,
    auditable_participants,
    roles_of,
)
from casework.signals import scope_refused
from programmes.models import Unit

from . import extract
from .models import AccessLog
from .services import log_read

PAGE_SIZE = 200


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


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=_("Användare"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False, to_field_name="code"
    )
    participant = forms.IntegerField(label=_("Deltagare (id)"), required=False, min_value=1)
    date_from = forms.DateField(label=_("Från och med"), required=False)
    date_to = forms.DateField(label=_("Till och med"), required=False)
    outside_only = forms.BooleanField(
        label=_("Bara läsningar utanför egen ärendelista"), required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


def _caseload_ids(user, cache: dict) -> set[int]:
    """The reader's own caseload: participants of cases where they are the coach."""
    if user is None:
        return set()
    if user.pk not in cache:
        cache[user.pk] = set(
            Case.objects.filter(coach=user).values_list("participant_id", flat=True)
        )
    return cache[user.pk]


def _log_rows(form, units) -> list[AccessLog]:
    rows = AccessLog.objects.select_related("user").order_by("-at", "-pk")
    data = form.cleaned_data
    if data["user"]:
        rows = rows.filter(user__username=data["user"])
    if data["date_from"]:
        rows = rows.filter(at__date__gte=data["date_from"])
    if data["date_to"]:
        rows = rows.filter(at__date__lte=data["date_to"])
    if data["participant"]:
        rows = rows.filter(participant_ids__icontains=str(data["participant"]))
    codes = {data["unit"].code} if data["unit"] else {u.code for u in units}
    picked: list[AccessLog] = []
    cache: dict[int, set[int]] = {}
    for row in rows.iterator():
        if not codes & set(filter(None, row.unit_codes.split(","))):
            continue
        if data["participant"] and data["participant"] not in row.participant_ids:
            continue
        row.outside = bool(set(row.participant_ids) - _caseload_ids(row.user, cache))
        if data["outside_only"] and not row.outside:
            continue
        picked.append(row)
        if len(picked) >= PAGE_SIZE:
            break
    return picked


@require_http_methods(["GET"])
def access_log(request):
    """The monthly log review (L4): filters, and reads outside the caseload highlighted."""
    _require_auditor(request)
    units = Unit.objects.filter(members=request.user)
    form = AccessLogFilter(request.GET, units=units)
    rows = _log_rows(form, units) if form.is_valid() else []
    auditable = set(auditable_participants(request.user).values_list("pk", flat=True))
    shown = sorted({pid for row in rows for pid in row.participant_ids} & auditable)
    log_read(
        user=request.user,
        action="audit.access_log",
        participant_ids=shown,
        route=request.path,
        filter_description=_describe(form),
    )
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "rows": rows, "auditable": auditable, "page_size": PAGE_SIZE},
    )


def _describe(form) -> str:
    data = getattr(form, "cleaned_data", None) or {}
    return "; ".join(f"{k}={v}" for k, v in data.items() if v not in (None, "", False))


@require_http_methods(["GET"])
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
    return render(request, "audit/participant_history.html", {"person": person, "events": events})


@require_http_methods(["GET"])
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
    return render(request, "audit/register_extract.html", {"extract": result})


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
