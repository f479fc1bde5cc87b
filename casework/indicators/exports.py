"""CSV and XLSX of a report: the web table cell for cell (indicators.md).

CSV: UTF-8 with a byte order mark (Excel opens it in Swedish locales), `;` separator,
Swedish labels and the codes. XLSX: numbers are numeric cells, empty (null) key figures
are empty cells.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .report import breakdown_tables, survey_rows, table_rows


def header() -> list[str]:
    return [
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


def _title(report: dict) -> list[str]:
    period = report["period"]
    return [
        _("Period"),
        f"{period['start']} – {period['end']}",
        _("Program"),
        report["programme"] or _("Alla"),
    ]


def rows(report: dict) -> list[list]:
    """Data rows: group, code, label, K, M, X, total, due, missing (None for empty)."""
    return [
        [r["group"], r["code"], r["label"], *r["cells"], r["due"], r["missing"]]
        for r in table_rows(report)
    ]


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
    writer.writerow(header())
    for row in rows(report):
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
    sheet.append(header())
    for row in rows(report):
        sheet.append(row)
    sheet.column_dimensions["C"].width = 80
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
