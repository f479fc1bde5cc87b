"""Fastställ and the saved reports (issue 14 item 6): a confirmation step, preliminär
before the period has ended, versions that say what changed, XLSX/DOCX downloads, and the
list of saved reports (scoped to the user's organisations, issue 17 item 9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.models import SavedReport, SavedStatus
from casework.signals import scope_refused
from config.replica import reads_from_replica
from programmes.models import Unit

from . import board, periods, report, saving
from .views import (
    _build,
    _chart,
    _form,
    _items,
    _require_report_role,
    download,
    saved_reports,
)

SAVED_FORMATS = ("xlsx", "docx", "csv", "json")


@login_required
@require_POST
def save_view(request):
    """First POST: the confirmation page. POST with `confirm`: the report is saved."""
    roles = _require_report_role(request.user)
    if "manager" not in roles:
        raise PermissionDenied
    form = _form(request, request.POST)
    if not form.is_valid():
        raise Http404
    period, programme = form.period(), form.cleaned_data.get("programme")
    if request.POST.get("confirm") != "1":
        before = saving.latest_version(period, programme)
        context = {
            "form": form,
            "period": period,
            "programme": programme,
            "before": before,
            "preliminary": saving.status_for(period, timezone.localdate())
            == SavedStatus.PRELIMINARY,
        }
        return render(request, "casework/indicators/confirm_save.html", context)
    saved = saving.faststall(
        data=_build(form),
        chart=_chart(form),
        period=period,
        programme=programme,
        programme_ids=form.programme_ids(),
        user=request.user,
    )
    if saved.status == SavedStatus.PRELIMINARY:
        messages.success(request, _("Rapporten är sparad som preliminär: perioden pågår."))
    else:
        messages.success(request, _("Rapporten är fastställd."))
    return redirect("indicators:saved", pk=saved.pk)


def _saved_or_404(request, pk: int) -> SavedReport:
    _require_report_role(request.user)
    saved = (
        saved_reports(request.user).select_related("programme", "replaces").filter(pk=pk).first()
    )
    if saved is None:
        scope_refused.send(sender=SavedReport, user=request.user, route=request.path)
        raise Http404
    return saved


@login_required
@reads_from_replica
def saved_view(request, pk: int):
    saved = _saved_or_404(request, pk)
    unit_code = saved.data.get("unit")
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    today = board.with_previous_year(
        periods.Period(saved.period_start, saved.period_end),
        programme_ids=saved.programme_ids,
        programme_code=saved.programme.code if saved.programme else None,
        unit_ids=[unit.pk] if unit else None,
        unit_code=unit_code,
    )
    changed = saving.differences(saved.data, today)
    rows = _items(board.comparison_rows(saved.data), changes=changed)
    context = {
        "saved": saved,
        "rows": rows,
        "changed": changed,
        "goals": saved.data.get("goals", []),
        "version_changes": _ordered(saved.changes.get("indicators", {})),
        "formats": SAVED_FORMATS,
    }
    return render(request, "casework/indicators/saved.html", context)


def _ordered(changes: dict) -> list[tuple[str, list[tuple[str, object]]]]:
    """The changed cells in the table's order (PostgreSQL's jsonb keeps no key order)."""
    order = {code: i for i, code in enumerate(report.BY_CODE)}
    columns = ["K", "M", "X", "total", "due", "missing"]
    return [
        (code, sorted(cells.items(), key=lambda item: columns.index(item[0])
                      if item[0] in columns else len(columns)))
        for code, cells in sorted(changes.items(), key=lambda c: order.get(c[0], len(order)))
    ]  # fmt: skip


def status_line(saved: SavedReport) -> str:
    return _("%(status)s, version %(version)s, %(when)s av %(who)s") % {
        "status": capfirst(saved.get_status_display()),
        "version": saved.version,
        "when": timezone.localtime(saved.saved_at).strftime("%Y-%m-%d %H:%M"),
        "who": saved.saved_by_label,
    }


@login_required
@reads_from_replica
def saved_export_view(request, pk: int, fmt: str):
    """The saved numbers, as they were fastställda, as XLSX, DOCX, CSV or JSON."""
    saved = _saved_or_404(request, pk)
    if fmt not in SAVED_FORMATS:
        raise Http404
    name = f"indikatorer-{saved.period_start}-{saved.period_end}-v{saved.version}"
    return download(saved.data, fmt, chart=saved.chart, status=status_line(saved), name=name)


@login_required
@reads_from_replica
def saved_list_view(request):
    _require_report_role(request.user)
    saved = saved_reports(request.user).select_related("programme")
    return render(request, "casework/indicators/saved_list.html", {"saved": saved})
