"""Write rows in the import format: CSV in a chosen encoding and delimiter, or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .reader import COLUMNS


def to_csv(
    rows: Iterable[dict[str, str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
    bom: bool = False,
    columns: tuple[str, ...] = COLUMNS,
) -> bytes:
    """CSV bytes with a header row; Excel-style CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def to_xlsx(rows: Iterable[dict[str, str]], *, columns: tuple[str, ...] = COLUMNS) -> bytes:
    """An XLSX workbook with the rows on its first sheet, every cell as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Historik")
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
