"""Bulk exit of several open cases with one reason and date (issue 12, item 9)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from audit.services import log_read

from ..access import role_required
from ..bulk import cases_exit
from ..models import ExitReason
from ..selectors import visible_cases
from ..widgets import IsoDateField

PAGE_SIZE = 50


class BulkExitForm(forms.Form):
    cases = forms.TypedMultipleChoiceField(
        label=_("Ärenden"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst ett ärende.")},
    )
    on = IsoDateField(label=_("Datum då det gällde"), initial=timezone.localdate)
    reason_code = forms.ChoiceField(
        label=_("Avslutsorsak"),
        choices=[("", _("Välj avslutsorsak")), *ExitReason.choices],
        error_messages={"required": _("Välj avslutsorsak.")},
    )
    reason = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(pk, str(pk)) for pk in case_ids]


def open_cases(user):
    """The user's open cases: a coach's own caseload, a coordinator's unit cases."""
    cases = visible_cases(user).open().select_related("participant", "programme", "coach")
    return cases.order_by("participant__last_name", "participant__first_name", "pk")


@login_required
@role_required("coach", "coordinator")
@never_cache
def bulk_exit(request):
    user = request.user
    page = Paginator(open_cases(user), PAGE_SIZE).get_page(request.GET.get("sida"))
    form = BulkExitForm(request.POST or None, case_ids=[c.pk for c in page.object_list])
    outcomes = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcomes = cases_exit(
            case_ids=data["cases"],
            on=data["on"],
            reason_code=data["reason_code"],
            reason=data["reason"],
            by=user,
        )
        page = Paginator(open_cases(user), PAGE_SIZE).get_page(request.GET.get("sida"))
        form = BulkExitForm(case_ids=[c.pk for c in page.object_list])
    log_read(
        user=user,
        action="case.bulk_exit",
        participant_ids=[c.participant_id for c in page.object_list],
        route=request.path,
    )
    context = {
        "page": page,
        "form": form,
        "outcomes": outcomes,
        "done": [o for o in outcomes if o.done],
        "refused": [o for o in outcomes if not o.done],
    }
    return render(request, "casework/bulk_exit.html", context)
