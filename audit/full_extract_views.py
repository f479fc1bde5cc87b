"""The page of the cross-organisation register extract (audit.full_extract)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework.signals import scope_refused
from casework.text import validate_text

from .full_extract import MAX_REF, PERMISSION, full_register_extract
from .models import AccessLog


class FullExtractForm(forms.Form):
    personnummer = forms.CharField(label=_("Personnummer"), max_length=13)
    request_ref = forms.CharField(
        label=_("Ärendenummer för begäran"),
        max_length=MAX_REF,
        validators=[validate_text],
        help_text=_("Diarienumret för den registrerades begäran om registerutdrag."),
    )
    confirmed = forms.BooleanField(
        label=_("Den registrerade har själv begärt utdraget och identiteten är kontrollerad"),
    )


@require_http_methods(["GET", "POST"])
def full_extract(request):
    """404 and a security event for anyone without the permission, as for any audit page."""
    if not request.user.has_perm(PERMISSION):
        scope_refused.send(
            sender=AccessLog, user=request.user, case_id=None, route=request.path,
            object_ref="audit.full_extract",
        )  # fmt: skip
        raise Http404
    form = FullExtractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = full_register_extract(
                personnummer=form.cleaned_data["personnummer"],
                request_ref=form.cleaned_data["request_ref"],
                by=request.user,
                route=request.path,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            years = sorted({e.effective_on.year for e in result.events})
            context = {"extract": result, "years": years, "ref": form.cleaned_data["request_ref"]}
            return render(request, "audit/full_extract_result.html", context)
    return render(request, "audit/full_extract.html", {"form": form})
