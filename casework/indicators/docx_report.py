"""The written tertial report for the nämnd as an editable Word document (issue 14 item 5).

Built with python-docx (no hand-made XML), so it opens cleanly in Word and LibreOffice:
the period, every table by gender with last year beside it, the goals with their status,
the breakdowns when the report has them, the charts as images each with its data table,
and an empty "Kommentar" section under each area for the manager to write in. Numbers
are written in Swedish format (1 234, 40,0), as on the web page.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from . import charts
from .board import comparison_rows
from .exports import BREAKDOWN_LABELS, goal_rows
from .numbers import sv_change, sv_number

GENDER_HEADS = ("Kvinnor", "Män", "Annat", "Totalt")


def _landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def _table(document, head: list[str], body: list[list[str]]):
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in body:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    return table


def _comment(document) -> None:
    document.add_heading(_("Kommentar"), level=3)
    document.add_paragraph("")


def _indicator_head(with_previous: bool) -> list[str]:
    head = [_("Kod"), _("Indikator")]
    for word in (_("Kvinnor"), _("Män"), _("Annat"), _("Totalt")):
        head += [word, _("%(col)s förra året") % {"col": word}] if with_previous else [word]
    return head + ([_("Förändring totalt")] if with_previous else [])


def _indicator_line(row: dict) -> list[str]:
    line = [row["code"], row["label"]]
    for i, value in enumerate(row["cells"]):
        line.append(sv_number(value))
        if row["previous"] is not None:
            line.append(sv_number(row["previous"][i]))
    if row["previous"] is not None:
        line.append(sv_change(row["change"][3]))
    return line


def _areas(document, data: dict) -> None:
    rows = comparison_rows(data)
    with_previous = bool(data.get("previous_year"))
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    for group, members in groups.items():
        document.add_heading(group if group != "—" else _("Övriga"), level=2)
        body = [_indicator_line(r) for r in members]
        _table(document, _indicator_head(with_previous), body)
        due = [r for r in members if r["due"] is not None]
        for r in due:
            document.add_paragraph(
                _("%(code)s: förfallna uppföljningar %(due)s, saknar utfall %(missing)s.")
                % {
                    "code": r["code"],
                    "due": sv_number(r["due"]),
                    "missing": sv_number(r["missing"]),
                }
            )
        _comment(document)


def _goals(document, data: dict) -> None:
    if "goals" not in data:
        return
    document.add_heading(_("Målvärden"), level=2)
    if not data["goals"]:
        document.add_paragraph(_("Inga målvärden för perioden och programmet."))
    else:
        head = [_("Mål"), _("Källa"), _("Indikator"), _("Typ av mål"), _("Målvärde"),
                _("Värde"), _("Förra året"), _("Status")]  # fmt: skip
        body = [
            [r[2], r[3], r[4], r[5], sv_number(r[6]), sv_number(r[7]), sv_number(r[8]), r[9]]
            for r in goal_rows(data)
        ]
        _table(document, head, body)
    _comment(document)


def _breakdowns(document, data: dict) -> None:
    for dimension, groups in (data.get("breakdowns") or {}).items():
        document.add_heading(str(BREAKDOWN_LABELS.get(dimension, dimension)), level=2)
        head = [_("Grupp"), _("Kod"), *[_(h) for h in GENDER_HEADS]]
        body = []
        for key, group in groups.items():
            for code, values in group.get("indicators", {}).items():
                cells = [values.get(c) for c in ("K", "M", "X", "total")]
                body.append([str(group.get("label", key)), code, *map(sv_number, cells)])
        _table(document, head, body)
        _comment(document)


def _charts(document, chart: dict | None) -> None:
    if not chart or not chart.get("series"):
        return
    document.add_heading(_("Utveckling de senaste tertialerna"), level=2)
    for series in chart["series"]:
        document.add_heading(f"{series['code']} – {series['label']}", level=3)
        image = charts.bar_chart(chart["tertials"], series["values"])
        document.add_picture(io.BytesIO(image), width=Cm(16))
        document.add_paragraph(
            _("Diagram: %(label)s per tertial och kön (K, M, X). Siffrorna i tabellen nedan.")
            % {"label": series["label"]}
        )
        values = series["values"]
        body = [
            [t, *(sv_number(values[c][i]) for c in ("K", "M", "X", "total"))]
            for i, t in enumerate(chart["tertials"])
        ]
        _table(document, [_("Tertial"), *[_(h) for h in GENDER_HEADS]], body)


def _title(document, data: dict, status: str | None) -> None:
    period = data["period"]
    document.add_heading(_("Tertialrapport: indikatorer och nyckeltal"), level=1)
    lines = [
        _("Period: %(start)s – %(end)s") % period,
        _("Program: %(programme)s") % {"programme": data.get("programme") or _("alla program")},
    ]
    if data.get("unit"):
        lines.append(_("Enhet: %(unit)s") % {"unit": data["unit"]})
    if data.get("previous_year"):
        lines.append(_("Förra året: %(start)s – %(end)s") % data["previous_year"]["period"])
    if status:
        lines.append(status)
    for line in lines:
        document.add_paragraph(line)


def to_docx(data: dict, chart: dict | None = None, *, status: str | None = None) -> bytes:
    """The board report `data` (and the six tertials' `chart`) as a .docx file's bytes."""
    document = Document()
    _landscape(document)
    _title(document, data, status)
    _areas(document, data)
    _goals(document, data)
    _breakdowns(document, data)
    _charts(document, chart)
    document.add_heading(_("Sammanfattande kommentar"), level=2)
    document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
