"""Read an import file into rows: CSV (UTF-8 with/without BOM or Windows-1252; `;` or `,`)
or XLSX (first sheet), with a case-insensitive header (import-format.md "File").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

COLUMNS = (
    "personnummer",
    "kon",
    "program",
    "handelse",
    "datum",
    "detalj",
    "arbetsplats",
    "kommunal",
    "planerat_slut",
    "kalla",
    "fornamn",
    "efternamn",
    # Optional facts of a referral where the programme asks for them (issue 13).
    "steg",
    "hemkommun",
    "arbetslos_sedan",
    "ej_gymnasium",
    "nyanland",
    "utomeuropeisk",
    "ung_uvas",
    "funktionsnedsattning",
)
REQUIRED = ("personnummer", "kon", "program", "handelse", "datum")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    """One problem: file line (the header is line 1), column name and a Swedish reason."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if not self.line:
            return self.reason
        if self.column:
            return _("Rad %(line)s, kolumn %(col)s: %(reason)s") % {
                "line": self.line,
                "col": self.column,
                "reason": self.reason,
            }
        return _("Rad %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


class ImportFileError(Exception):
    """The file cannot be read as a table; `errors` says where and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def read_table(data: bytes, filename: str = "") -> list[Row]:
    """The data rows of the file with lower-case column names; raises ImportFileError."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    else:
        table = _csv_rows(data)
    table = [(line, cells) for line, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise ImportFileError([RowError(1, "", _("Filen är tom."))])
    (_line, header), body = table[0], table[1:]
    while header and not header[-1].strip():
        header = header[:-1]  # Excel often carries empty cells after the last column
    names = _header(header)
    rows = []
    for line, cells in body:
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
            raise ImportFileError(
                [RowError(line, "", _("Raden har fler värden än rubrikraden har kolumner."))]
            )
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)
        }
        rows.append(Row(line, values))
    return rows


def _header(cells: list[str]) -> list[str]:
    names = [c.strip().lower() for c in cells]
    errors = [
        RowError(1, name or str(i + 1), _("Okänd kolumn: %(c)s.") % {"c": cells[i].strip()})
        for i, name in enumerate(names)
        if name not in COLUMNS
    ]
    seen: set[str] = set()
    for name in names:
        if name in seen and name in COLUMNS:
            errors.append(RowError(1, name, _("Kolumnen finns två gånger.")))
        seen.add(name)
    errors += [
        RowError(1, name, _("Obligatorisk kolumn saknas."))
        for name in REQUIRED
        if name not in names
    ]
    if errors:
        raise ImportFileError(errors)
    return names


# --- CSV ----------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252; anything else is an encoding error."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError([RowError(line, "", _encoding_reason())])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _strict(data, "cp1252")


def _encoding_reason() -> str:
    return _(
        "Ogiltig teckenkodning: spara filen som CSV i UTF-8 eller Windows-1252 (Excel), "
        "eller som XLSX."
    )


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        lines = data.split(b"\n")
        line = data[: exc.start].count(b"\n") + 1
        column = _column_of_bad_byte(lines, line, encoding)
        raise ImportFileError([RowError(line, column, _encoding_reason())]) from None


def _column_of_bad_byte(lines: list[bytes], line: int, encoding: str) -> str:
    """The header name of the field that holds the undecodable byte, when it can be told."""
    header = lines[0].decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter = _delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter), [])
    cells = next(
        csv.reader([lines[line - 1].decode(encoding, errors="replace")], delimiter=delimiter), []
    )
    for i, cell in enumerate(cells):
        if "\ufffd" in cell:
            return names[i].strip().lower() if i < len(names) else str(i + 1)
    return ""


def _delimiter(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode(data)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ImportFileError([RowError(reader.line_num, "", str(exc))]) from None
    return rows


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError([RowError(1, "", _("Filen är ingen läsbar XLSX-fil."))]) from None
    try:
        sheet = book.worksheets[0]
        return [
            (i, [_cell(v) for v in values])
            for i, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
