"""Read an import file into rows: CSV (UTF-8 with/without BOM or Windows-1252; `;` or `,`)
or XLSX (first sheet), with a case-insensitive header (import-format.md "File").

Both are streamed within the limits of `limits.py`: a file past one is refused with a
Swedish reason before it is held in memory (issue 17).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import limits, xlsx
from .errors import ImportFileError, RowError

__all__ = ["COLUMNS", "REQUIRED", "ImportFileError", "Row", "RowError", "read_table"]

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
    "coach",
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
    # K3's facts of an exit (issue 14): the work's form at ARBETE, studiemedel at STUDIER.
    "anstallningsform",
    "studiemedel",
)
REQUIRED = ("personnummer", "kon", "program", "handelse", "datum")
XLSX_MAGIC = b"PK\x03\x04"
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def read_table(data: bytes, filename: str = "") -> list[Row]:
    """The data rows of the file with lower-case column names; raises ImportFileError."""
    if len(data) > limits.max_upload_bytes():
        raise ImportFileError([RowError(0, "", _too_big())])
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        table = xlsx.rows(data)
    else:
        table = _csv_rows(data)
    header: list[str] | None = None
    rows: list[Row] = []
    for line, cells in table:
        if header is None:
            header = _header(cells)
            continue
        rows.append(_row(line, cells, header))
    if header is None:
        raise ImportFileError([RowError(1, "", _("Filen är tom."))])
    if not rows:
        raise ImportFileError(
            [RowError(1, "", _("Filen har bara en rubrikrad och inga rader att importera."))]
        )
    return rows


def _too_big() -> str:
    return _("Filen är större än %(mb)s MB.") % {"mb": limits.max_upload_bytes() // (1024 * 1024)}


def _row(line: int, cells: list[str], names: list[str]) -> Row:
    if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
        raise ImportFileError(
            [RowError(line, "", _("Raden har fler värden än rubrikraden har kolumner."))]
        )
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
    longest = limits.max_cell_chars()
    for name, value in values.items():
        if len(value) > longest:
            raise ImportFileError([RowError(line, name, too_long(longest))])
    return Row(line, values)


def too_long(n: int) -> str:
    return _("Värdet är längre än %(n)s tecken.") % {"n": n}


def _header(cells: list[str]) -> list[str]:
    cells = list(cells)
    while cells and not cells[-1].strip():
        cells.pop()  # Excel often carries empty cells after the last column
    names = [c.strip().lower() for c in cells]
    errors = [
        RowError(
            1, name[:40] or str(i + 1), _("Okänd kolumn: %(c)s.") % {"c": cells[i].strip()[:40]}
        )
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

# A valid UTF-8 sequence of two to four bytes. In a Windows-1252 file such a pair is an
# accented capital letter directly followed by a character from 0x80–0xBF; in a file that
# is not valid UTF-8 it is the mark of text saved in two encodings.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _encoding_reason() -> str:
    return _(
        "Ogiltig teckenkodning: spara filen som CSV i UTF-8 eller Windows-1252 (Excel), "
        "eller som XLSX."
    )


def encoding_of(data: bytes) -> tuple[str, int]:
    """The one encoding the whole file is valid in, and where its text starts.

    UTF-8 (a BOM is skipped) or Windows-1252; a NUL byte anywhere, a file that mixes
    UTF-8 with another encoding, or a byte undefined in Windows-1252 is refused.
    """
    start = len(BOM) if data.startswith(BOM) else 0
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError([RowError(line, "", _encoding_reason())])
    bad = _first_invalid(data, start, "utf-8")
    if bad is None:
        return "utf-8", start
    if start:
        raise _encoding_error(data, bad, "utf-8")
    mixed = _UTF8_SEQUENCE.search(data)
    if mixed is not None:
        first = min(mixed.start(), bad)
        raise ImportFileError(
            [
                RowError(
                    data[:first].count(b"\n") + 1,
                    "",
                    _(
                        "Filen blandar teckenkodningar: rad %(a)s är sparad som UTF-8 men rad "
                        "%(b)s inte. Spara hela filen på nytt i en kodning."
                    )
                    % {
                        "a": data[: mixed.start()].count(b"\n") + 1,
                        "b": data[:bad].count(b"\n") + 1,
                    },
                )
            ]
        )
    bad = _first_invalid(data, 0, "cp1252")
    if bad is not None:
        raise _encoding_error(data, bad, "cp1252")
    return "cp1252", 0


def _first_invalid(data: bytes, start: int, encoding: str) -> int | None:
    """The offset of the first byte not valid in `encoding`, decoding in chunks."""
    decoder = codecs.getincrementaldecoder(encoding)()
    step = 1024 * 1024
    for offset in range(start, len(data), step):
        try:
            decoder.decode(data[offset : offset + step], final=offset + step >= len(data))
        except UnicodeDecodeError as exc:
            return offset + exc.start
    return None


def _encoding_error(data: bytes, offset: int, encoding: str) -> ImportFileError:
    line = data[:offset].count(b"\n") + 1
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    text = data[start : end if end >= 0 else len(data)].decode(encoding, errors="replace")
    header = data[: data.find(b"\n")].decode(encoding, errors="replace").lstrip("\ufeff")
    return ImportFileError([RowError(line, _column_of(header, text), _encoding_reason())])


def _column_of(header: str, text: str) -> str:
    """The header name of the field that holds the undecodable byte, when it can be told."""
    delimiter = _delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter), [])
    cells = next(csv.reader([text], delimiter=delimiter), [])
    for i, cell in enumerate(cells):
        if "\ufffd" in cell:
            return names[i].strip().lower() if i < len(names) else str(i + 1)
    return ""


def _delimiter(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    encoding, start = encoding_of(data)
    if data.count(b"\n") > limits.max_rows() + 1:
        # Quoted line breaks may make the records fewer than the lines: count them.
        for count, _record in enumerate(_csv_records(_reader(data, encoding, start))):
            if count > limits.max_rows():
                raise xlsx.too_many_rows()
    yield from _csv_records(_reader(data, encoding, start))


def _reader(data: bytes, encoding: str, start: int):
    """A csv reader streaming the decoded text; the delimiter is read from the header."""
    end = data.find(b"\n", start)
    first = data[start : end if end >= 0 else len(data)].decode(encoding)
    buffer = io.BytesIO(data)
    buffer.seek(start)
    text = io.TextIOWrapper(buffer, encoding, newline="")
    return csv.reader(text, delimiter=_delimiter(first))


def _csv_records(reader) -> Iterator[tuple[int, list[str]]]:
    width = limits.max_columns()
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError([RowError(reader.line_num, "", _csv_reason(exc))]) from None
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width:
            raise ImportFileError(
                [
                    RowError(
                        reader.line_num, "", _("Raden har fler än %(n)s kolumner.") % {"n": width}
                    )
                ]
            )
        yield reader.line_num, cells


def _csv_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return too_long(limits.max_cell_chars())
    return _("Raden går inte att läsa som CSV (kontrollera citattecknen).")
