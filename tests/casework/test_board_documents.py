"""The board's report in every format (issue 14): web, CSV, XLSX, JSON and the Word
document carry the same numbers, last year's and the goals'; fastställ's safeguards;
breakdowns rendered from the report contract; a fixed number of queries."""

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from casework.indicators import board, docx_report, exports, periods, report
from casework.indicators.numbers import sv_change, sv_number
from casework.indicators.report import ALL, BY_CODE
from casework.models import SavedReport
from tests.casework.indicator_journal import Journal
from tests.casework.test_indicators_query_count import (
    PREVIOUS_YEAR,
    QUERIES,
    SUMMARY_LOOKUP,
    _bulk_journal,
)
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db
QUERY = {"kind": "tertial", "year": "2026", "tertial": "1", "programme": "JOBBTORG"}
COLS = ("K", "M", "X", "total")
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def history(db):
    j = Journal()
    for year, gender, reason in ((2025, "K", "ARBETE"), (2026, "K", "ARBETE"),
                                 (2026, "M", "STUDIER"), (2026, "X", "AVBROTT")):  # fmt: skip
        case = j.refer(date(year, 1, 12), gender=gender)
        j.start(case, "arbetspraktik", date(year, 1, 20))
        j.exit(case, date(year, 3, 4), reason)
    return j


@pytest.fixture
def client(client):
    client.force_login(UserFactory(roles=["manager"], units=[unit()]))
    return client


def web_cells(html: str) -> dict[str, list[tuple[str, str]]]:
    """{code: [(value, 'förra året P, C'), ...]} for K, M, X and total of the web table."""
    table = html.split('<table class="indicators">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for code, body in re.findall(r'<tr data-code="(\w+)">(.*?)</tr>', table, re.S):
        cells = re.findall(r'data-col="(?:K|M|X|total)">(.*?)</td>', body, re.S)
        rows[code] = [
            (_space(re.sub(r"<[^>]+>", " ", c.split("<br>")[0])),
             _space(re.sub(r"<[^>]+>", " ", c.split("<br>")[1])))
            for c in cells
        ]  # fmt: skip
    return rows


def _space(text: str) -> str:
    """ASCII white space folded; the no-break space that groups thousands is kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def test_web_csv_xlsx_json_and_docx_carry_the_same_numbers(history, client):
    url = reverse("indicators:export", args=["json"])
    data = json.loads(client.get(url, QUERY).content)
    now, before = data["indicators"], data["previous_year"]["indicators"]
    assert data["previous_year"]["period"] == {"start": "2025-01-01", "end": "2025-04-30"}
    assert now["UT2"] == {"total": 1, "K": 1, "M": 0, "X": 0}
    assert now["UT3"] == {"total": 1, "K": 0, "M": 1, "X": 0}
    assert before["UT2"] == {"total": 1, "K": 1, "M": 0, "X": 0}
    assert now["K1"]["total"] == 66.7 and before["K1"]["total"] == 100.0
    more = next(g for g in data["goals"] if g["measure"] == "UT2+UT3")
    assert (more["value"], more["previous"], more["status"]) == (2, 1, "uppnatt")

    web = web_cells(client.get(reverse("indicators:report"), QUERY).content.decode())
    raw = client.get(reverse("indicators:export", args=["csv"]), QUERY).content
    csv_lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    csv_rows = {r[1]: r for r in csv_lines[2 : 2 + len(ALL)]}
    book = load_workbook(io.BytesIO(client.get(
        reverse("indicators:export", args=["xlsx"]), QUERY).content))  # fmt: skip
    xlsx_rows = {r[1]: r for r in book.worksheets[0].iter_rows(values_only=True)}
    docx = Document(io.BytesIO(client.get(
        reverse("indicators:export", args=["docx"]), QUERY).content))  # fmt: skip
    docx_rows = {r.cells[0].text: [c.text for c in r.cells] for t in docx.tables
                 for r in t.rows if r.cells[0].text in {i.code for i in ALL}}  # fmt: skip

    for indicator in ALL:
        code = indicator.code
        values = [now[code][c] for c in COLS]
        earlier = [before[code][c] for c in COLS]
        change = [board.change(a, b) for a, b in zip(values, earlier, strict=True)]
        assert list(xlsx_rows[code][3:7]) == values
        assert list(xlsx_rows[code][9:17]) == earlier + change
        as_csv = [exports._csv_cell(v) for v in values + earlier + change]
        assert csv_rows[code][3:7] + csv_rows[code][9:17] == as_csv
        assert [w[0] for w in web[code]] == [sv_number(v) for v in values]
        assert [_space(w[1]) for w in web[code]] == [
            _space(f"förra året {sv_number(b)}, {sv_change(c)}")
            for b, c in zip(earlier, change, strict=True)
        ]
        paired = [x for pair in zip(values, earlier, strict=True) for x in pair]
        assert docx_rows[code][2:] == [sv_number(v) for v in paired] + [sv_change(change[3])]

    goal_lines = [r for r in csv_lines if len(r) == 10 and r[0] == "JOBBTORG"]
    goal_sheet = list(book["Målvärden"].iter_rows(values_only=True))[1:]
    docx_goals = {r.cells[0].text: r.cells[5].text for t in docx.tables for r in t.rows
                  if len(r.cells) == 8}  # fmt: skip
    for goal, line, sheet_row in zip(data["goals"], goal_lines, goal_sheet, strict=True):
        assert line[7] == exports._csv_cell(goal["value"]) and sheet_row[7] == goal["value"]
        assert line[9] == sheet_row[9] == goal["status_label"]
        assert docx_goals[goal["wording"]] == sv_number(goal["value"])


def test_the_command_writes_a_docx_that_libreoffice_opens(history, tmp_path):
    target = tmp_path / "tertial.docx"
    call_command("indicators", "--year", "2026", "--tertial", "1", "--programme", "JOBBTORG",
                 "--format", "docx", "--output", str(target))  # fmt: skip
    document = Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Period: 2026-01-01 – 2026-04-30" in text
    assert "Förra året: 2025-01-01 – 2025-04-30" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.count("Kommentar") >= 5  # IN, AKTIVITET, UT, övriga, nyckeltal, mål
    assert len(document.inline_shapes) == len(ALL)  # one chart per indicator
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    if libreoffice is None:
        pytest.skip("LibreOffice saknas: apt-get install libreoffice-writer-nogui")
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    subprocess.run(
        [libreoffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(target)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    assert (tmp_path / "tertial.pdf").read_bytes().startswith(b"%PDF")


def _fake_breakdowns() -> dict:
    band = {"total": 3, "K": 2, "M": 1, "X": 0}
    return {
        "target_groups": {"NYANLAND": {"label": "Nyanlända", "indicators": {"UT5": band}}},
        "age_bands": {"16-24": {"label": "16–24 år", "indicators": {"UT5": band}}},
    }


def test_breakdowns_are_rendered_in_every_format_when_the_report_has_them():
    data = board.build_board(periods.tertial(2026, 1)) | {"breakdowns": _fake_breakdowns()}
    ut5 = str(BY_CODE["UT5"].label)
    raw = exports.to_csv(data).decode("utf-8-sig")
    assert f"Målgrupp: Nyanlända;UT5;{ut5};2;1;0;3" in raw
    assert f"Ålder: 16–24 år;UT5;{ut5};2;1;0;3" in raw
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(data)))["Målgrupp och ålder"]
    assert ("Målgrupp: Nyanlända", "UT5", ut5, 2, 1, 0, 3) in list(
        sheet.iter_rows(values_only=True)
    )
    document = Document(io.BytesIO(docx_report.to_docx(data)))
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["Nyanlända", "UT5", "2", "1", "0", "3"] in rows
    html = render_to_string(
        "casework/indicators/_breakdowns.html",
        {"breakdown_tables": report.breakdown_tables(data)},
    )
    assert "Nyanlända" in html and "16–24 år" in html


def _queries(**options) -> int:
    with CaptureQueriesContext(connection) as captured:
        board.build_board(periods.tertial(2026, 1), **options)
    return len(captured.captured_queries)


def test_the_board_report_is_a_fixed_number_of_queries_at_10_and_1000_participants():
    _bulk_journal(10, 0)
    small = _queries(programme_code="JOBBTORG")
    _bulk_journal(990, 10)
    # The report's fixed queries and last year's (tests/casework/test_indicators_query_count.py),
    # and one for the goals.
    goals = 1
    assert (
        _queries(programme_code="JOBBTORG")
        == small
        == QUERIES + SUMMARY_LOOKUP + PREVIOUS_YEAR + goals
    )
    # several programmes: no goals to load
    assert _queries() == QUERIES + SUMMARY_LOOKUP + PREVIOUS_YEAR


def test_fastställ_confirms_saves_preliminär_versions_and_downloads(history, client):
    t3 = {"kind": "tertial", "year": "2026", "tertial": "3", "programme": "JOBBTORG"}
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=STOCKHOLM), tick=False):
        page = client.post(reverse("indicators:save"), t3).content.decode()
        assert "preliminär" in page and SavedReport.objects.count() == 0
        first = client.post(reverse("indicators:save"), {**t3, "confirm": "1"})
        j = Journal()
        case = j.refer(date(2026, 9, 2), gender="M", born=date(1985, 3, 3))
        j.exit(case, date(2026, 10, 1), "ARBETE")
        assert "ersätter version 1" in client.post(reverse("indicators:save"), t3).content.decode()
        second = client.post(reverse("indicators:save"), {**t3, "confirm": "1"})
    v1, v2 = SavedReport.objects.order_by("version")
    assert first.url == reverse("indicators:saved", args=[v1.pk])
    assert second.url == reverse("indicators:saved", args=[v2.pk])
    assert (v1.status, v1.version, v2.version, v2.replaces) == ("preliminar", 1, 2, v1)
    assert v2.changes["indicators"]["UT2"] == {"total": 1, "M": 1}
    assert v2.changes["indicators"]["IN1"] == {"total": 1, "M": 1}
    page = client.get(second.url).content.decode()
    assert "Ändrat sedan version 1" in page and "UT2: M 1, total 1" in page
    for fmt in ("xlsx", "docx"):
        response = client.get(reverse("indicators:saved_export", args=[v2.pk, fmt]))
        assert response.status_code == 200
        assert f"-v2.{fmt}" in response["Content-Disposition"]
    saved_doc = Document(io.BytesIO(
        client.get(reverse("indicators:saved_export", args=[v2.pk, "docx"])).content))  # fmt: skip
    assert any("Preliminär, version 2" in p.text for p in saved_doc.paragraphs)
    with time_machine.travel(datetime(2027, 1, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        client.force_login(v1.saved_by)  # a new session: the old one idled out in the jump
        client.post(reverse("indicators:save"), {**t3, "confirm": "1"})
    assert SavedReport.objects.get(version=3).status == "faststalld"
    report_page = client.get(reverse("indicators:report"), QUERY).content.decode()
    top = report_page.split('class="filters"', 1)[0]
    assert reverse("indicators:saved_list") in top and "Fastställda rapporter (3)" in top
    listing = client.get(reverse("indicators:saved_list")).content.decode()
    assert listing.count(reverse("indicators:saved", args=[v1.pk])) == 1
    assert "preliminär" in listing and "fastställd" in listing
