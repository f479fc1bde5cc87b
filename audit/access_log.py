"""The access-log page (L4): ISO dates, Swedish action labels, units by name, persons by
personnummer, and a highlight only for reads outside the reader's remit (issue 12, item 4).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework.models import Participant
from casework.personnummer import parse
from casework.search import personnummer_key
from casework.selectors import auditable_participants, unit_codes_of, visible_participants
from casework.widgets import IsoDateField
from programmes.models import Unit

from .labels import action_label
from .models import AccessLog
from .services import log_read

PAGE_SIZE = 50


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=_("Användare"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Enhet"),
        queryset=Unit.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Alla mina enheter"),
    )
    participant = forms.CharField(
        label=_("Deltagare"),
        required=False,
        max_length=13,
        help_text=_("Personnummer (ÅÅÅÅMMDD-NNNN) eller deltagarens id."),
    )
    date_from = IsoDateField(label=_("Från och med"), required=False)
    date_to = IsoDateField(label=_("Till och med"), required=False)
    outside_only = forms.BooleanField(
        label=_("Bara läsningar utanför läsarens uppdrag"), required=False
    )

    def __init__(self, *args, units=None, auditor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.auditor = auditor
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def clean_participant(self) -> int | None:
        """An id, or a personnummer of a person the auditor may audit; never a hint of others."""
        value = self.cleaned_data["participant"].strip().lstrip("#")
        if not value:
            return None
        if value.isdigit() and len(value) < 10:
            return int(value)
        try:
            canonical = parse(value).canonical
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        person = auditable_participants(self.auditor).filter(personnummer=canonical).first()
        if person is None:
            raise ValidationError(_("Ingen person med det personnumret finns i dina enheter."))
        return person.pk

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Till och med måste vara samma dag som eller efter från."))
        return data


def remit_ids(user, cache: dict) -> set[int]:
    """Whose data the reader may read in their role: their workspace scope, and for
    auditors and admins the persons they audit (their reads are the job)."""
    if user is None:
        return set()
    if user.pk not in cache:
        ids = set(visible_participants(user).values_list("pk", flat=True))
        ids |= set(auditable_participants(user).values_list("pk", flat=True))
        cache[user.pk] = ids
    return cache[user.pk]


def _unit_q(codes: set[str]) -> Q:
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(unit_codes=code) | Q(unit_codes__startswith=f"{code},")
        q |= Q(unit_codes__endswith=f",{code}") | Q(unit_codes__contains=f",{code},")
    return q


def _search_key_of(participant_id: int) -> str:
    """The key a search for this person's personnummer left in the log (casework.search),
    so that a search that found nothing, or was refused, still shows when the auditor
    reviews the person."""
    pnr = Participant.objects.filter(pk=participant_id).values_list("personnummer", flat=True)
    return personnummer_key(pnr[0]) if pnr else "-"


def log_rows(form, units, *, page: int) -> tuple[list[AccessLog], bool]:
    """One page of rows, newest first, and whether another page follows."""
    data = form.cleaned_data
    codes = {data["unit"].code} if data["unit"] else {u.code for u in units}
    rows = AccessLog.objects.select_related("user").filter(_unit_q(codes)).order_by("-at", "-pk")
    if data["user"]:
        rows = rows.filter(user__username=data["user"])
    if data["date_from"]:
        rows = rows.filter(at__date__gte=data["date_from"])
    if data["date_to"]:
        rows = rows.filter(at__date__lte=data["date_to"])
    searched = ""
    if data["participant"]:
        searched = _search_key_of(data["participant"])
        rows = rows.filter(
            Q(participant_ids__icontains=str(data["participant"]))
            | Q(filter_description__contains=searched)
        )
    picked: list[AccessLog]
    cache: dict[Any, Any]
    skip, picked, cache = (page - 1) * PAGE_SIZE, [], {}
    for row in rows.iterator():
        named = data["participant"] in row.participant_ids or searched in row.filter_description
        if data["participant"] and not named:
            continue
        row.outside = bool(set(row.participant_ids) - remit_ids(row.user, cache))
        if data["outside_only"] and not row.outside:
            continue
        if skip:
            skip -= 1
            continue
        if len(picked) == PAGE_SIZE:
            return picked, True
        picked.append(row)
    return picked, False


def _decorate(rows: list[AccessLog], auditable: set[int], units) -> None:
    names = {u.code: u.name for u in Unit.objects.all()}
    shown = {pid for row in rows for pid in row.participant_ids} & auditable
    people = {p.pk: p for p in Participant.objects.filter(pk__in=shown)}
    for row in rows:
        row.action_label = action_label(row.action)
        row.unit_names = [names.get(c, c) for c in filter(None, row.unit_codes.split(","))]
        row.people = [(pid, people.get(pid)) for pid in row.participant_ids[:20]]


def describe(form) -> str:
    data = getattr(form, "cleaned_data", None) or {}
    return "; ".join(f"{k}={v}" for k, v in data.items() if v not in (None, "", False))


def _page_number(request) -> int:
    value = request.GET.get("sida", "1")
    return max(1, min(int(value), 10_000)) if value.isdigit() else 1


@require_http_methods(["GET"])
def access_log(request, *, require_auditor):
    """The monthly log review (L4), 50 rows a page."""
    require_auditor(request)
    units = Unit.objects.filter(code__in=unit_codes_of(request.user))  # read on the primary
    form = AccessLogFilter(request.GET, units=units, auditor=request.user)
    page = _page_number(request)
    rows, more = log_rows(form, units, page=page) if form.is_valid() else ([], False)
    auditable = set(auditable_participants(request.user).values_list("pk", flat=True))
    _decorate(rows, auditable, units)
    shown = sorted({pid for row in rows for pid in row.participant_ids} & auditable)
    log_read(
        user=request.user,
        action="audit.access_log",
        participant_ids=shown,
        route=request.path,
        filter_description=describe(form),
    )
    context = {"form": form, "rows": rows, "auditable": auditable, "page": page, "more": more}
    return render(request, "audit/access_log.html", context)
