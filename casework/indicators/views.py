"""The indicator report for managers and coordinators: table, chart, exports, fastställ,
drill-down. The report pages show numbers only, never a name or personnummer (S3)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import log_read
from casework.models import Participant, SavedReport, actor_label
from casework.selectors import roles_of, visible_cases
from casework.signals import scope_refused
from config.replica import reads_from_replica
from programmes.models import Organisation, Unit

from . import exports, periods, queries, report
from .forms import ReportForm, default_data

REPORT_ROLES = {"manager", "coordinator"}
DRILL_ROLES = {"coordinator"}
CHART_TERTIALS = 6


def _require_report_role(user) -> set[str]:
    roles = roles_of(user)
    if not roles & REPORT_ROLES:
        raise PermissionDenied
    return roles


def _form(request, data=None) -> ReportForm:
    source = data if data is not None else request.GET
    if not source.get("kind"):
        source = QueryDict(mutable=True)
        source.update(default_data(request.user))
    return ReportForm(source, user=request.user)


def _build(form: ReportForm) -> dict:
    chosen = form.cleaned_data.get("programme")
    return report.build(
        form.period(),
        programme_ids=form.programme_ids(),
        programme_code=chosen.code if chosen else None,
        **form.unit_arguments(),
    )


def _chart(form: ReportForm) -> dict:
    """Every indicator over the last tertials up to the period's end (a few queries each)."""
    programme_ids = form.programme_ids()
    tertials = periods.last_tertials(form.period().end, CHART_TERTIALS)
    units = form.unit_arguments()
    built = [
        report.build(p, programme_ids=programme_ids, detail=False, **units)
        for _y, _n, p in tertials
    ]
    series = []
    for indicator in report.ALL:
        values = {col: [b["indicators"][indicator.code][col] for b in built] for col in
                  report.COLUMNS}  # fmt: skip
        series.append({"code": indicator.code, "label": str(indicator.label), "values": values})
    labels = [f"{y} T{n}" for y, n, _p in tertials]
    return {"tertials": labels, "series": series}


def saved_reports(user):
    """Fastställda reports of the user's own organisations only (issue 17 item 9)."""
    organisations = Organisation.objects.filter(units__members=user)
    mine = SavedReport.objects.filter(saved_by__units__organisation__in=organisations)
    return SavedReport.objects.filter(pk__in=mine.values("pk"))


@login_required
@reads_from_replica
def report_view(request):
    roles = _require_report_role(request.user)
    form = _form(request)
    context = {"form": form, "may_save": "manager" in roles, "may_drill": bool(roles & DRILL_ROLES)}
    if form.is_valid():
        data = _build(form)
        chart = _chart(form)
        drill = context["may_drill"] and form.data.urlencode()
        context |= {
            "report": data,
            "rows": _items(report.table_rows(data), drill_query=drill),
            "breakdown_tables": report.breakdown_tables(data),
            "survey_rows": report.survey_rows(data),
            "query": form.data.urlencode() if hasattr(form.data, "urlencode") else "",
            "chart": chart,
            "chart_rows": _chart_rows(chart),
            "drillable": report.DRILLABLE,
        }
    context["saved"] = saved_reports(request.user).select_related("programme")[:20]
    return render(request, "casework/indicators/report.html", context)


ITEM_COLUMNS = [*report.GENDERS, "total", "due", "missing"]
GENDER_WORDS = {
    "K": gettext_lazy("kvinnor"),
    "M": gettext_lazy("män"),
    "X": gettext_lazy("annat"),
    "total": gettext_lazy("totalt"),
}


def _items(rows: list[dict], *, drill_query="", changes=None) -> list[dict]:
    """Each row's cells in column order, with drill-down links and today's changed values."""
    persons = reverse("indicators:persons")
    for row in rows:
        values = [*row["cells"], row["due"], row["missing"]]
        now = (changes or {}).get(row["code"], {})
        items = []
        for column, value in zip(ITEM_COLUMNS, values, strict=True):
            item = {"column": column, "value": value, "changed": column in now}
            item["blank"] = value is None and column in ("due", "missing")
            item["today"] = now.get(column)
            countable = column in GENDER_WORDS and row["code"] in report.DRILLABLE
            if drill_query and countable and value:
                gender = "" if column == "total" else column
                item["href"] = f"{persons}?{drill_query}&code={row['code']}&gender={gender}"
                item["aria"] = _("%(code)s, %(who)s: visa personerna (%(n)s)") % {
                    "code": row["code"],
                    "who": GENDER_WORDS[column],
                    "n": value,
                }
            items.append(item)
        row["items"] = items
    return rows


def _chart_rows(chart: dict) -> list[dict]:
    return [
        {
            "code": s["code"],
            "label": s["label"],
            "points": [
                {"tertial": t, **{col: s["values"][col][i] for col in report.COLUMNS}}
                for i, t in enumerate(chart["tertials"])
            ],
        }
        for s in chart["series"]
    ]


@login_required
@reads_from_replica
def export_view(request, fmt: str):
    _require_report_role(request.user)
    form = _form(request)
    if fmt not in ("csv", "xlsx", "json") or not form.is_valid():
        raise Http404
    data = _build(form)
    name = f"indikatorer-{data['period']['start']}-{data['period']['end']}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(data), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def save_view(request):
    roles = _require_report_role(request.user)
    if "manager" not in roles:
        raise PermissionDenied
    form = _form(request, request.POST)
    if not form.is_valid():
        raise Http404
    data = _build(form)
    period = form.period()
    saved = SavedReport.objects.create(
        period_start=period.start,
        period_end=period.end,
        programme=form.cleaned_data.get("programme"),
        programme_ids=form.programme_ids(),
        data=data,
        saved_by=request.user,
        saved_by_label=actor_label(request.user),
    )
    messages.success(request, _("Rapporten är fastställd."))
    return redirect("indicators:saved", pk=saved.pk)


def differences(saved: dict, today: dict) -> dict[str, dict]:
    """Cells whose value today differs from the saved one: {code: {column: today's value}}."""
    changed: dict[str, dict] = {}
    for code, values in saved["indicators"].items():
        now = today["indicators"].get(code, {})
        for column, value in values.items():
            if now.get(column) != value:
                changed.setdefault(code, {})[column] = now.get(column)
    return changed


@login_required
@reads_from_replica
def saved_view(request, pk: int):
    _require_report_role(request.user)
    saved = saved_reports(request.user).select_related("programme").filter(pk=pk).first()
    if saved is None:
        scope_refused.send(sender=SavedReport, user=request.user, route=request.path)
        raise Http404
    unit_code = saved.data.get("unit")
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    today = report.build(
        periods.Period(saved.period_start, saved.period_end),
        programme_ids=saved.programme_ids,
        programme_code=saved.programme.code if saved.programme else None,
        unit_ids=[unit.pk] if unit else None,
        unit_code=unit_code,
    )
    changed = differences(saved.data, today)
    rows = _items(report.table_rows(saved.data), changes=changed)
    return render(
        request,
        "casework/indicators/saved.html",
        {"saved": saved, "rows": rows, "changed": changed},
    )


@login_required
@reads_from_replica
def persons_view(request):
    """The persons behind one cell, for roles allowed personal data; managers get 404."""
    if not roles_of(request.user) & DRILL_ROLES:
        raise Http404
    form = _form(request)
    code, gender = request.GET.get("code", ""), request.GET.get("gender", "")
    if not form.is_valid() or code not in report.DRILLABLE or gender not in ("", *report.GENDERS):
        raise Http404
    period = form.period()
    filters = queries.Filters(form.programme_ids(), form.unit_arguments().get("unit_ids"))
    ids = queries.person_ids(period, code, gender or None, filters=filters)
    cases = visible_cases(request.user).filter(participant_id__in=ids)
    people = list(
        Participant.objects.filter(cases__in=cases)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    # Each row links the person's latest case the user may see (issue 12, item 8).
    latest = dict(
        cases.values("participant_id")
        .annotate(last=Max("pk"))
        .values_list("participant_id", "last")
    )
    for person in people:
        person.case_id = latest.get(person.pk)
    log_read(
        user=request.user,
        action="indicators.persons",
        participant_ids=[p.pk for p in people],
        route=request.path,
        filter_description=f"{code} {gender or _('Totalt')} {period.label} "
        f"{form.cleaned_data.get('programme') or _('alla program')}: {len(people)}",
    )
    context = {
        "people": people,
        "indicator": report.BY_CODE[code],
        "gender": gender,
        "period": period,
        "back": reverse("indicators:report") + "?" + form.data.urlencode(),
        "hidden": len(ids) - len(people),
    }
    return render(request, "casework/indicators/persons.html", context)
