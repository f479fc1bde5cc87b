"""Web upload of a history file for coordinators and admins, with a polling status page (IM1).

The upload returns at once: the job row is saved, and after the transaction commits
the import runs in a worker process of its own (`importing.jobs`, docs/adr/0007). The
status page asks for its progress fragment every two seconds with htmx until the job
is done. The help page lists every column, event and code, and offers template files.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casework.models import Case
from casework.selectors import roles_of
from casework.signals import scope_refused
from programmes.models import Unit

from .importing import help as import_help
from .importing import limits
from .importing.jobs import live_progress, start_in_background
from .models import ImportJob

IMPORT_ROLES = {"coordinator", "admin"}


def _units_for(user):
    """The units the user may import into: their own, for an admin too (issue 17)."""
    return Unit.objects.filter(members=user)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV eller XLSX)"),
        help_text=gettext_lazy("En rad per händelse enligt importformatet; högst 50 MB."),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Enhet för nya aktualiseringar"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Ingen vald"),
        help_text=gettext_lazy("Behövs för program som finns i flera enheter, till exempel Sikta."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Kontrollera bara, spara inget"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Välj en fil som slutar på .csv eller .xlsx."))
        if upload.size > limits.max_upload_bytes():
            raise forms.ValidationError(
                _("Filen är större än %(mb)s MB.")
                % {"mb": limits.max_upload_bytes() // (1024 * 1024)}
            )
        return upload


def _require_import_role(request) -> None:
    """Coordinators and admins only; everyone else gets the same 404 as a missing page."""
    if not roles_of(request.user) & IMPORT_ROLES:
        scope_refused.send(sender=Case, user=request.user, route=request.path, object_ref="role")
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _require_import_role(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        job = ImportJob.objects.create(
            filename=upload.name[:255],
            unit=form.cleaned_data["unit"],
            dry_run=form.cleaned_data["dry_run"],
            created_by=request.user,
        )
        transaction.on_commit(lambda: start_in_background(job.pk, data))
        return redirect("imports:status", pk=job.pk, permanent=False)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "referrals/import/upload.html", {"form": form, "jobs": jobs})


def _job_or_404(request, pk: int) -> ImportJob:
    _require_import_role(request)
    job = ImportJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:  # another user's job answers like a missing one, and is recorded (A5)
        scope_refused.send(
            sender=Case, user=request.user, route=request.path, object_ref=f"importjob:{pk}"
        )
        raise Http404
    live = None if job.finished else live_progress(job.pk)
    if live is not None:
        job.processed, job.total = max(job.processed, live[0]), max(job.total, live[1])
    return job


@login_required
@require_http_methods(["GET"])
def status(request, pk: int):
    job = _job_or_404(request, pk)
    template = "referrals/import/_progress.html" if request.htmx else "referrals/import/status.html"
    return render(request, template, {"job": job})


@login_required
@require_http_methods(["GET"])
def help_page(request):
    """Every column, event and code of the format, in Swedish (docs/import-format.md)."""
    _require_import_role(request)
    return render(request, "referrals/import/help.html", import_help.context())


@login_required
@require_http_methods(["GET"])
def template_file(request, kind: str):
    """A template file with the header and one example history, as CSV or XLSX."""
    _require_import_role(request)
    if kind == "csv":
        data, content_type = import_help.template_csv(), "text/csv; charset=utf-8"
    elif kind == "xlsx":
        data = import_help.template_xlsx()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="importmall.{kind}"'
    return response
