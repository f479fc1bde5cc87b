"""`python manage.py indicators`: periods, programme, formats and the JSON contract."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from casework.indicators.report import ALL
from tests.casework.indicator_journal import Journal

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history(db):
    j = Journal()
    case = j.refer(date(2026, 1, 2), gender="K")
    j.start(case, "jobbsok", date(2026, 1, 12))
    j.exit(case, date(2026, 5, 4), "ARBETE")
    j.refer(date(2026, 3, 1), gender="M", programme="SIKTA", income="SJUKPENNING")
    return j


def test_json_has_the_contracted_shape_for_a_tertial(history):
    data = json.loads(run("--year", "2026", "--tertial", "1"))
    assert data["period"] == {"start": "2026-01-01", "end": "2026-04-30"}
    assert data["programme"] is None
    assert list(data["indicators"]) == [i.code for i in ALL]
    assert data["indicators"]["IN4"] == {"total": 2, "K": 1, "M": 1, "X": 0}
    assert data["indicators"]["UT6"] == {"total": 0, "K": 0, "M": 0, "X": 0, "due": 0, "missing": 0}
    assert data["indicators"]["K1"] == {"total": None, "K": None, "M": None, "X": None}
    assert data["indicators"]["K2"] == {"total": 10, "K": 10, "M": None, "X": None}


def test_year_alone_is_helar_and_start_end_any_range(history):
    helar = json.loads(run("--year", "2026"))
    assert helar["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert helar["indicators"]["K1"]["total"] == 100.0
    custom = json.loads(run("--start", "2026-05-04", "--end", "2026-05-04"))
    assert custom["indicators"]["UT2"] == {"total": 1, "K": 1, "M": 0, "X": 0}


def test_programme_restricts_the_report(history):
    data = json.loads(run("--year", "2026", "--programme", "SIKTA"))
    assert data["programme"] == "SIKTA"
    assert data["indicators"]["IN4"] == {"total": 1, "K": 0, "M": 1, "X": 0}
    with pytest.raises(CommandError, match="Okänt program"):
        run("--year", "2026", "--programme", "NOPE")


def test_csv_is_utf8_with_bom_semicolons_swedish_labels_and_codes(history, tmp_path):
    target = tmp_path / "r.csv"
    run("--year", "2026", "--tertial", "1", "--format", "csv", "--output", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:7] == ["Grupp", "Kod", "Indikator", "Kvinnor", "Män", "Annat", "Totalt"]
    in4 = next(r for r in rows if r[1] == "IN4")
    label = "Antal deltagare som är 25 år eller äldre"
    # this year, then 2025 T1 (no history: 0) and the change
    assert in4 == ["IN", "IN4", label, "1", "1", "0", "2", "", "", "0", "0", "0", "0",
                   "1", "1", "0", "2"]  # fmt: skip


def test_xlsx_needs_output_and_has_numeric_cells(history, tmp_path):
    with pytest.raises(CommandError, match="--output"):
        run("--year", "2026", "--format", "xlsx")
    target = tmp_path / "r.xlsx"
    run("--year", "2026", "--tertial", "1", "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    in4 = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "IN4")
    assert in4[3:7] == (1, 1, 0, 2)
    k2 = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "K2")
    assert k2[3:7] == (10, None, None, 10)


def test_as_of_and_bad_arguments(history):
    data = json.loads(run("--year", "2026", "--as-of", "2025-12-31T23:59"))
    assert data["indicators"]["IN4"]["total"] == 0
    with pytest.raises(CommandError):
        run("--year", "2026", "--start", "2026-01-01", "--end", "2026-02-01")
    with pytest.raises(CommandError):
        run("--start", "2026-02-01", "--end", "2026-01-01")
    with pytest.raises(CommandError):
        run("--year", "2026", "--tertial", "4")
