"""The indicator report for managers and coordinators: table, chart, exports, fastställ,
drill-down. The report pages show numbers only, never a name or personnummer (S3)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import log_read
from casework.models import Participant, SavedReport
from casework.selectors import roles_of, unit_codes_of, visible_cases
from config.replica import reads_from_replica
from programmes.models import Organisation

from . import board, docx_report, exports, queries, report
from .forms import ReportForm, default_data

REPORT_ROLES = {"manager", "coordinator"}
DRILL_ROLES = {"coordinator"}


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


def _options(form: ReportForm) -> dict:
    chosen = form.cleaned_data.get("programme")
    return {
        "programme_ids": form.programme_ids(),
        "programme_code": chosen.code if chosen else None,
        **form.unit_arguments(),
    }


def _build(form: ReportForm) -> dict:
    """The board report: the period, the same period last year and the goals."""
    return board.build_board(form.period(), **_options(form))


def _chart(form: ReportForm) -> dict:
    """Every indicator over the last six tertials up to the period's end."""
    return board.chart(
        form.period(), programme_ids=form.programme_ids(), detail=False, **form.unit_arguments()
    )


def saved_reports(user):
    """Fastställda reports of the user's own organisations only (issue 17 item 9)."""
    organisations = Organisation.objects.filter(units__code__in=unit_codes_of(user))
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
        drill = context["may_drill"] and form.data.urlencode()
        context |= {
            "report": data,
            "rows": _items(board.comparison_rows(data), drill_query=drill),
            "breakdown_tables": report.breakdown_tables(data),
            "survey_rows": report.survey_rows(data),
            "query": _query(form),
            "drillable": report.DRILLABLE,
        }
    context["saved"] = saved_reports(request.user).select_related("programme")[:20]
    context["saved_count"] = saved_reports(request.user).count()
    return render(request, "casework/indicators/report.html", context)


@login_required
@reads_from_replica
def chart_view(request):
    """The last six tertials' charts. The report page asks for them (htmx) once it shows the
    period's table: at national scale six tertials take longer than the period itself, and
    the manager reads the table meanwhile. Asked for without htmx, a page of their own."""
    _require_report_role(request.user)
    form = _form(request)
    if not form.is_valid():
        raise Http404
    chart = _chart(form)
    context = {"chart": chart, "chart_rows": board.chart_rows(chart), "query": _query(form)}
    template = "_charts.html" if request.htmx else "charts.html"
    return render(request, f"casework/indicators/{template}", context)


def _query(form: ReportForm) -> str:
    return form.data.urlencode() if hasattr(form.data, "urlencode") else ""


ITEM_COLUMNS = [*report.GENDERS, "total", "due", "missing"]
GENDER_WORDS = {
    "K": gettext_lazy("kvinnor"),
    "M": gettext_lazy("män"),
    "X": gettext_lazy("annat"),
    "total": gettext_lazy("totalt"),
}


def _item(row: dict, i: int, value, now: dict, drill: str) -> dict:
    """One cell: value, last year's value and the change, today's value, drill-down link."""
    column = ITEM_COLUMNS[i]
    item = {"column": column, "value": value, "changed": column in now}
    previous, change = row.get("previous"), row.get("change")
    if previous is not None and change is not None and i < len(previous):
        item |= {"compared": True, "previous": previous[i], "change": change[i]}
    item["blank"] = value is None and column in ("due", "missing")
    item["today"] = now.get(column)
    countable = column in GENDER_WORDS and row["code"] in report.DRILLABLE
    if drill and countable and value:
        gender = "" if column == "total" else column
        item["href"] = f"{drill}&code={row['code']}&gender={gender}"
        item["aria"] = _("%(code)s, %(who)s: visa personerna (%(n)s)") % {
            "code": row["code"],
            "who": GENDER_WORDS[column],
            "n": value,
        }
    return item


def _items(rows: list[dict], *, drill_query="", changes=None) -> list[dict]:
    """Each row's cells in column order, with drill-down links and today's changed values."""
    drill = f"{reverse('indicators:persons')}?{drill_query}" if drill_query else ""
    for row in rows:
        values = [*row["cells"], row["due"], row["missing"]]
        now = (changes or {}).get(row["code"], {})
        row["items"] = [_item(row, i, value, now, drill) for i, value in enumerate(values)]
    return rows


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def download(data: dict, fmt: str, *, chart=None, status=None, name="") -> HttpResponse:
    """The report in one format as an attachment (web report and saved reports)."""
    if fmt == "csv":
        body = exports.to_csv(data)
    elif fmt == "xlsx":
        body = exports.to_xlsx(data)
    elif fmt == "docx":
        body = docx_report.to_docx(data, chart, status=status)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = name or f"indikatorer-{data['period']['start']}-{data['period']['end']}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@reads_from_replica
def export_view(request, fmt: str):
    _require_report_role(request.user)
    form = _form(request)
    if fmt not in CONTENT_TYPES or not form.is_valid():
        raise Http404
    data = _build(form)
    chart = _chart(form) if fmt == "docx" else None
    return download(data, fmt, chart=chart)


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
