"""The participant's survey page (no login), the coach's survey pages and the results.

The public page shows no personal data and offers nothing but the questionnaire. The
coach's pages read a case in scope and are access-logged (L1); individual answers show
only where the participant agreed. Results are aggregates, with no personal data.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import log_read
from casework.access import role_required
from casework.selectors import case_in_scope_or_404

from . import selectors, services
from .forms import SurveyForm
from .models import Occasion


def _errors(error: Exception) -> list[str]:
    return list(getattr(error, "messages", [str(error)]))


@login_not_required
@never_cache
def answer(request, token: str):
    """The one-time link: answer once, within 30 days; then the link is spent."""
    invitation = services.valid_invitation(token)
    if invitation is None:
        return render(request, "surveys/link_invalid.html", status=410)
    form = SurveyForm(
        request.POST or None,
        questions=services.questions_for(invitation.case, invitation.occasion),
    )
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit_by_link(
                token=token,
                values=form.values(),
                share=form.cleaned_data["share_with_coach"],
            )
        except ValidationError as error:
            refusals = _errors(error)
        else:
            return render(request, "surveys/thanks.html")
    context = {"form": form, "occasion": invitation.occasion, "refusals": refusals}
    response = render(request, "surveys/answer.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _occasion_or_404(occasion: str) -> str:
    if occasion not in Occasion.values:
        raise Http404
    return occasion


@login_required
@role_required("coach", "coordinator")
@never_cache
def case_surveys(request, pk: int):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    log_read(
        user=request.user,
        action="survey.case",
        participant_ids=[case.participant_id],
        route=request.path,
    )
    answered = {r.occasion: r for r in case.survey_responses.all()}
    context = {
        "case": case,
        "occasions": [(value, label, answered.get(value)) for value, label in Occasion.choices],
        "shared": selectors.shared_responses(case),
        "link": request.session.pop(f"survey-link-{case.pk}", None),
    }
    return render(request, "surveys/case.html", context)


@require_POST
@login_required
@role_required("coach", "coordinator")
def create_link(request, pk: int, occasion: str):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    try:
        _inv, token = services.invitation_create(
            case_id=case.pk, occasion=_occasion_or_404(occasion), by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        # Shown once on the next page; only the hash is stored.
        url = request.build_absolute_uri(f"/enkat/svar/{token}/")
        request.session[f"survey-link-{case.pk}"] = url
        messages.success(
            request, _("Länken är skapad. Den gäller i 30 dagar och kan användas en gång.")
        )
    return redirect("surveys:case", pk=case.pk)


@login_required
@role_required("coach", "coordinator")
@never_cache
def answer_on_screen(request, pk: int, occasion: str):
    """The participant answers on the coach's screen; the coach sees the form, not answers."""
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    occasion = _occasion_or_404(occasion)
    form = SurveyForm(request.POST or None, questions=services.questions_for(case, occasion))
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit_on_screen(
                case_id=case.pk,
                occasion=occasion,
                values=form.values(),
                share=form.cleaned_data["share_with_coach"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            refusals = _errors(error)
        else:
            messages.success(request, _("Tack! Enkäten är besvarad."))
            return redirect("surveys:case", pk=case.pk)
    log_read(
        user=request.user,
        action="survey.on_screen",
        participant_ids=[case.participant_id],
        route=request.path,
    )
    context = {"form": form, "occasion": occasion, "refusals": refusals, "case": case}
    return render(request, "surveys/answer.html", context)


@login_required
@role_required("coach", "coordinator")
@never_cache
def reminders(request):
    """The same named rows as on the caseload: participant, survey, since when, actions."""
    rows = selectors.reminder_rows(request.user, today=timezone.localdate())
    log_read(
        user=request.user,
        action="survey.reminders",
        participant_ids=[r.case.participant_id for r in rows],
        route=request.path,
    )
    return render(request, "surveys/reminders.html", {"rows": rows, "total": len(rows)})


@login_required
@role_required("coordinator", "manager")
@never_cache
def results(request):
    """Aggregates only; no personal data, so no access-log row."""
    programmes = selectors.result_programmes(request.user)
    chosen = request.GET.get("program", "")
    programme = programmes.filter(pk=chosen).first() if chosen.isdigit() else None
    figures = selectors.results(request.user, programme_id=programme.pk if programme else None)
    context = {
        "programmes": programmes,
        "programme": programme,
        "figures": [(Occasion(o).label, rows) for o, rows in figures.items()],
        "minimum": selectors.MIN_ANSWERS,
    }
    return render(request, "surveys/results.html", context)
