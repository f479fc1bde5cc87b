"""Coordinator workspace: log referrals, decide, assign coaches, watch capacity (issue 4).

Views parse, check scope, call one service and render; every list of personal data
writes one access-log row (L1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.services import log_read
from casework import personnummer
from casework.access import role_required
from casework.saved_filters import saved_filters
from casework.selectors import case_in_scope_or_404
from casework.services import case_assign_coach, samrad_record
from programmes.models import InsatsType, Workplace

from . import selectors
from .agreement_forms import AgreementFields
from .filters import QueueFilter
from .forms import (
    AssignCoachForm,
    CloseForm,
    ReferralForm,
    SamradForm,
    StartForm,
    StartNextForm,
    step_choices,
)
from .lookup import lookup_personnummer, tell_if_protected
from .services import (
    OpenCaseExists,
    insats_start_or_enqueue,
    referral_close,
    referral_register,
    waiting_list_start_next,
)

coordinator_required = role_required("coordinator")


PAGE_SIZES = (10, 25, 50, 100)


def case_url(case) -> str:
    return reverse("casework:case_detail", args=[case.pk])


def _messages_of(error: Exception) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error)])


# --- log a referral --------------------------------------------------------------------------


def _referral_form(request, data=None) -> ReferralForm:
    return ReferralForm(
        data,
        programmes=selectors.user_programmes(request.user),
        units=selectors.user_units(request.user),
    )


@login_required
@coordinator_required
def referral_new(request):
    form = _referral_form(request, request.POST or None)
    agreement = AgreementFields(
        request.POST or None, programme=form._chosen_programme(form.fields["programme"].queryset)
    )
    refusals, open_case = [], None
    if request.method == "POST" and form.is_valid() and agreement.is_valid():
        try:
            case = _register(request, form.cleaned_data, agreement)
        except OpenCaseExists as e:
            open_case = (
                e.case if selectors.visible_cases(request.user).filter(pk=e.case.pk) else None
            )
            refusals = _messages_of(e)
        except (ValidationError, PermissionDenied) as e:
            tell_if_protected(e)
            refusals = _messages_of(e)
        else:
            messages.success(request, _("Aktualiseringen är registrerad."))
            return redirect(f"{reverse('referrals:queue')}#case-{case.pk}")
    context = {
        "form": form,
        "agreement": agreement,
        "refusals": refusals,
        "open_case": open_case,
        "open_case_url": case_url(open_case) if open_case else "",
    }
    return render(request, "referrals/referral_form.html", context, status=200)


def _register(request, data, agreement: AgreementFields):
    return referral_register(
        personnummer_value=data["personnummer"],
        gender=data["gender"],
        programme=data["programme"],
        unit=data["unit"],
        on=data["referred_on"],
        income_support=data["income_support"],
        by=request.user,
        first_name=data["first_name"],
        last_name=data["last_name"],
        source=data["source"],
        risk_note=data["risk_note"],
        referring_officer=data["referring_officer"],
        referring_contact=data["referring_contact"],
        referral_reason=data["referral_reason"],
        baseline_step=data["baseline_step"],
        home_municipality=agreement.cleaned_data.get("home_municipality"),
        target_groups=agreement.to_input(),
    )


@require_GET
@login_required
@coordinator_required
def check_personnummer(request):
    """htmx: the number checked as it is typed (date, checksum, samordningsnummer)."""
    value = request.GET.get("personnummer", "").strip()
    context = {"value": value, "error": "", "identity": None, "person": None}
    if value:
        try:
            context["identity"] = personnummer.parse(value)
        except ValidationError as e:
            context["error"] = " ".join(e.messages)
    identity = context["identity"]
    if identity is not None:
        found = lookup_personnummer(request.user, identity.canonical, route=request.path)
        context["person"], context["known"] = found.name, found.known
    return render(request, "referrals/_personnummer_status.html", context)


@require_GET
@login_required
@coordinator_required
def steps(request):
    """htmx: the step scale of the chosen programme for the baseline select."""
    pk = request.GET.get("programme") or "0"
    if not pk.isascii() or not pk.isdigit():
        return HttpResponseBadRequest(_("Ogiltigt program."))
    chosen = selectors.user_programmes(request.user).filter(pk=pk).first()
    return render(
        request,
        "referrals/_step_options.html",
        {"choices": step_choices(chosen), "agreement": AgreementFields(programme=chosen)},
    )


# --- the queue -------------------------------------------------------------------------------


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", 25))
    except ValueError:
        return 25
    return size if size in PAGE_SIZES else 25


@require_GET
@login_required
@coordinator_required
def queue(request):
    """Cases in aktualisering, longest waiting first (issue 4)."""
    programmes = selectors.user_programmes(request.user)
    filterset = QueueFilter(
        request.GET or None, queryset=selectors.referral_queue(request.user), programmes=programmes
    )
    paginator = Paginator(filterset.qs, _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "case": case,
            "insatser": selectors.startable_insatser(case, request.user),
            "url": case_url(case),
            "waiting_days": (today - case.referred_on).days,
            "age": personnummer.age_on(case.participant.birth_date, today),
        }
        for case in page.object_list
    ]
    log_read(
        user=request.user,
        action="referral.queue",
        participant_ids=[r["case"].participant_id for r in rows],
        route=request.path,
        filter_description=filterset.describe(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "querystring": query.urlencode(),
        "page_sizes": PAGE_SIZES,
        "insats_labels": dict(InsatsType.choices),
        "today": today,
        "workplaces": Workplace.objects.order_by("name"),
        "saved_filters": saved_filters(request.user, "queue"),
    }
    return render(request, "referrals/queue.html", context)


def _back(case_pk: int):
    return redirect(f"{reverse('referrals:queue')}#case-{case_pk}")


def _run(request, case_pk: int, action, success: str | Callable[[Any], str]):
    """Call one service; a refusal is shown in Swedish and nothing changes."""
    try:
        result = action()
    except (ValidationError, PermissionDenied) as e:
        for message in _messages_of(e):
            messages.error(request, message)
        return _back(case_pk)
    messages.success(request, success if not callable(success) else success(result))
    return _back(case_pk)


def _invalid(request, form, case_pk: int):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return _back(case_pk)


@require_POST
@login_required
@coordinator_required
def case_samrad(request, pk: int):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    form = SamradForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)
    return _run(
        request,
        pk,
        lambda: samrad_record(
            case_id=case.pk,
            on=form.cleaned_data["on"],
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        ),
        _("Samrådet är registrerat."),
    )


@require_POST
@login_required
@coordinator_required
def case_assign(request, pk: int):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    form = AssignCoachForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)
    coach = get_object_or_404(
        User, pk=form.cleaned_data["coach"], groups__name="coach", units=case.unit
    )
    return _run(
        request,
        pk,
        lambda: case_assign_coach(
            case_id=case.pk,
            coach=coach,
            by=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        _("%(name)s är coach för ärendet.") % {"name": coach.get_full_name() or coach.username},
    )


@require_POST
@login_required
@coordinator_required
def case_start(request, pk: int):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)
    insats = form.cleaned_data["insats"]
    return _run(
        request,
        pk,
        lambda: insats_start_or_enqueue(
            case_id=case.pk,
            insats=insats,
            on=form.cleaned_data["on"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            **form.details(),
        ),
        lambda outcome: _start_message(outcome, insats),
    )


def _start_message(outcome, insats: str) -> str:
    label = InsatsType(insats).label
    if outcome.entry is not None:
        return _("Programmet är fullt för %(i)s. Ärendet står som nummer %(n)s i väntelistan.") % {
            "i": label,
            "n": outcome.position,
        }
    return _("%(i)s har startat.") % {"i": label}


@require_POST
@login_required
@coordinator_required
def case_close(request, pk: int):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)
    return _run(
        request,
        pk,
        lambda: referral_close(
            case_id=case.pk,
            on=form.cleaned_data["on"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
        _("Ärendet är avslutat som ej aktuellt."),
    )


# --- overview and waiting list ---------------------------------------------------------------


@require_GET
@login_required
@coordinator_required
def overview(request):
    """Caseloads per coach, capacity and lead times with medians (issue 4)."""
    user = request.user
    cases = selectors.lead_times(user)
    page = Paginator(cases, _page_size(request)).get_page(request.GET.get("page"))
    rows = [{"case": c, "url": case_url(c)} for c in page.object_list]
    log_read(
        user=user,
        action="referral.overview",
        participant_ids=[r["case"].participant_id for r in rows],
        route=request.path,
    )
    context = {
        "caseloads": selectors.caseloads(user),
        "capacity": selectors.capacity_table(selectors.user_programmes(user)),
        "page": page,
        "rows": rows,
        "median_decision": selectors.median_days(cases, "to_decision"),
        "median_insats": selectors.median_days(cases, "to_insats"),
        "states": selectors.caseload_states(),
    }
    return render(request, "referrals/overview.html", context)


@login_required
@coordinator_required
def waiting(request):
    """The waiting lists, in referral order, and the start of the first in line."""
    if request.method == "POST":
        return _start_next(request)
    entries = list(selectors.waiting_list(request.user))
    log_read(
        user=request.user,
        action="referral.waiting_list",
        participant_ids=[e.case.participant_id for e in entries],
        route=request.path,
    )
    capacity = selectors.capacity_table(selectors.user_programmes(request.user))
    groups = [
        {
            "capacity": c,
            "entries": [
                {"entry": e, "url": case_url(e.case), "at_start": _at_start(e)}
                for e in entries
                if e.programme_id == c.programme.pk and e.insats_type == c.insats_type
            ],
        }
        for c in capacity
        if c.capacity is not None or c.waiting
    ]
    return render(request, "referrals/waiting_list.html", {"groups": groups})


def _at_start(entry) -> str:
    """What the start from the line will apply, as decided when the case was put in it."""
    parts = []
    if entry.planned_end:
        parts.append(_("planerat slut %(d)s") % {"d": entry.planned_end.isoformat()})
    if entry.min_end:
        parts.append(_("minsta tid till %(d)s") % {"d": entry.min_end.isoformat()})
    if entry.scope != 100:
        parts.append(_("%(n)s %% av heltid") % {"n": entry.scope})
    if entry.is_osa:
        parts.append(_("OSA"))
    if entry.extension_reason:
        parts.append(_("förlängning vid återkomst"))
    return ", ".join(parts) or "–"


def _start_next(request):
    form = StartNextForm(request.POST)
    target = reverse("referrals:waiting_list")
    if not form.is_valid():
        messages.error(request, _("Kontrollera datumet."))
        return redirect(target)
    programme = get_object_or_404(
        selectors.user_programmes(request.user), pk=form.cleaned_data["programme"]
    )
    try:
        outcome = waiting_list_start_next(
            programme=programme,
            insats=form.cleaned_data["insats"],
            on=form.cleaned_data["on"],
            by=request.user,
        )
    except (ValidationError, PermissionDenied) as e:
        for message in _messages_of(e):
            messages.error(request, message)
    else:
        messages.success(
            request, _("Första i kön har startat (ärende %(c)s).") % {"c": outcome.entry.case_id}
        )
    return redirect(target)
