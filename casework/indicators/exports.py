"""CSV and XLSX of a report: the web table cell for cell (indicators.md).

CSV: UTF-8 with a byte order mark (Excel opens it in Swedish locales), `;` separator,
Swedish labels and the codes. XLSX: numbers are numeric cells, empty (null) key figures
are empty cells. With `previous_year` each row also has last year's cells and the
change; `goals` and `breakdowns` follow as sections (CSV) or sheets (XLSX).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from programmes.models import GoalKind

from .board import comparison_rows
from .report import breakdown_tables, survey_rows


def _has_previous(report: dict) -> bool:
    return bool(report.get("previous_year"))


def header(report: dict | None = None) -> list[str]:
    columns = [
        _("Grupp"),
        _("Kod"),
        _("Indikator"),
        _("Kvinnor"),
        _("Män"),
        _("Annat"),
        _("Totalt"),
        _("Förfallna uppföljningar"),
        _("Saknar utfall"),
    ]
    if report is not None and _has_previous(report):
        columns += [
            _("Kvinnor förra året"),
            _("Män förra året"),
            _("Annat förra året"),
            _("Totalt förra året"),
            _("Förändring kvinnor"),
            _("Förändring män"),
            _("Förändring annat"),
            _("Förändring totalt"),
        ]
    return columns


def _title(report: dict) -> list[str]:
    period = report["period"]
    title = [
        _("Period"),
        f"{period['start']} – {period['end']}",
        _("Program"),
        report["programme"] or _("Alla"),
    ]
    if _has_previous(report):
        earlier = report["previous_year"]["period"]
        title += [_("Förra året"), f"{earlier['start']} – {earlier['end']}"]
    return title


def rows(report: dict) -> list[list]:
    """Data rows: group, code, label, K, M, X, total, due, missing (None for empty), then
    with `previous_year` last year's K, M, X, total and the four changes."""
    result = []
    for r in comparison_rows(report):
        row = [r["group"], r["code"], r["label"], *r["cells"], r["due"], r["missing"]]
        if r["previous"] is not None:
            row += [*r["previous"], *r["change"]]
        result.append(row)
    return result


def goal_header() -> list[str]:
    return [_("Program"), _("År"), _("Mål"), _("Källa"), _("Indikator"), _("Typ av mål"),
            _("Målvärde"), _("Värde"), _("Förra året"), _("Status")]  # fmt: skip


def measure_text(goal: dict) -> str:
    """UT2+UT3, UT3 / UT5, or UT5 with its age limit: what the goal is measured on."""
    text = goal["measure"] + (f" / {goal['denominator']}" if goal["denominator"] else "")
    if goal["age_below"] is None:
        return text
    return _("%(measure)s, yngre än %(age)s år") % {"measure": text, "age": goal["age_below"]}


def goal_rows(report: dict) -> list[list]:
    return [
        [g["programme"], g["year"], g["wording"], g["source"], measure_text(g),
         str(GoalKind(g["kind"]).label), g["target"], g["value"], g["previous"],
         g["status_label"]]
        for g in report.get("goals", [])
    ]  # fmt: skip


BREAKDOWN_LABELS = {
    "target_groups": gettext_lazy("Målgrupp"),
    "age_bands": gettext_lazy("Åldersgrupp"),
}


def extra_rows(report: dict) -> list[list]:
    """After the main table: each breakdown table (a title row, then group = the table's
    label, code, label, K, M, X, total), then the survey (occasion, question, n, mean)."""
    out: list[list] = []
    for table in breakdown_tables(report):
        out += [[table["label"]], header()[:7]]
        out += [[table["label"], r["code"], r["label"], *r["cells"]] for r in table["rows"]]
    survey = survey_rows(report)
    if survey:
        out += [
            [_("Deltagarenkäten")],
            [_("Tillfälle"), _("Fråga"), _("Antal svar"), _("Medelvärde")],
        ]
        out += [[r["occasion"], r["text"], r["n"], r["mean"]] for r in survey]
    return out


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def to_csv(report: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_title(report))
    sections = [(header(report), rows(report))]
    if "goals" in report:
        sections.append((goal_header(), goal_rows(report)))
    for number, (head, body) in enumerate(sections):
        if number:
            writer.writerow([])
        writer.writerow(head)
        for row in body:
            writer.writerow([_csv_cell(v) for v in row])
    extra = extra_rows(report)
    if extra:
        writer.writerow([])
    for row in extra:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook has one worksheet
    sheet.title = _("Indikatorer")
    sheet.append(_title(report))
    sheet.append(header(report))
    for row in rows(report):
        sheet.append(row)
    sheet.column_dimensions["C"].width = 80
    if "goals" in report:
        _sheet(book, _("Målvärden"), goal_header(), goal_rows(report), wide="C")
    extra = extra_rows(report)
    if extra:
        more = book.create_sheet(_("Målgrupp och ålder"))
        more.append(_title(report))
        for row in extra:
            more.append(row)
        more.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, head: list[str], body: list[list], *, wide: str) -> None:
    sheet = book.create_sheet(title)
    sheet.append(head)
    for row in body:
        sheet.append(row)
    sheet.column_dimensions[wide].width = 60
