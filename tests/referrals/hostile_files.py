"""Hostile import files, generated small on disk (issue 17): each is refused with a reason.

`FILES` maps a name to (filename, builder, expected words of the reason). The builders
write to a path, streaming, so even the 3,000,000-row sheet never sits in memory.
"""

from __future__ import annotations

import base64
import io
import os
import random
import zipfile
from datetime import date
from pathlib import Path

from referrals.importing.writer import to_csv, to_xlsx
from tests.factories import make_pnr

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ("personnummer", "kon", "program", "handelse", "datum", "detalj", "fornamn")
PNR = make_pnr(date(1985, 5, 5), 241)
OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _row(pnr=PNR, **extra) -> dict[str, str]:
    return {
        "personnummer": pnr,
        "kon": "K",
        "program": "JOBBTORG",
        "handelse": "samrad",
        "datum": "2026-01-05",
        **extra,
    }


def _header_cells() -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER)
    )
    return f'<row r="1">{cells}</row>'.encode()


def _with_sheet(path: Path, write_sheet, *, base: bytes | None = None) -> None:
    """A real workbook from openpyxl with its first sheet replaced by `write_sheet(stream)`."""
    source = zipfile.ZipFile(io.BytesIO(base or to_xlsx([_row()], columns=HEADER)))
    with source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as stream:
                    write_sheet(stream)
            else:
                target.writestr(info, source.read(info))


def dimension_bomb(path: Path) -> None:
    def sheet(stream):
        stream.write(OPEN + b'<dimension ref="A1:XFD1048576"/><sheetData>' + _header_cells())
        stream.write(
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
            b"</row></sheetData></worksheet>"
        )

    _with_sheet(path, sheet)


def three_million_rows(path: Path) -> None:
    def sheet(stream):
        stream.write(OPEN + b"<sheetData>" + _header_cells())
        # Numbered rows as Excel writes them: compressed about as hard as a real sheet.
        for start in range(2, 3_000_002, 10_000):
            stream.write(
                b"".join(
                    b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n * 7919 % 1000003)
                    for n in range(start, start + 10_000)
                )
            )
        stream.write(b"</sheetData></worksheet>")

    _with_sheet(path, sheet)


def entity_bomb(path: Path) -> None:
    levels = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE worksheet [{''.join(levels)}]>".encode()

    def sheet(stream):
        stream.write(b'<?xml version="1.0"?>' + doctype + OPEN + b"<sheetData>" + _header_cells())
        stream.write(
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>'
            b"</sheetData></worksheet>"
        )

    _with_sheet(path, sheet)


def xxe(path: Path) -> None:
    def sheet(stream):
        stream.write(
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + OPEN
            + b"<sheetData>"
            + _header_cells()
        )
        stream.write(
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>&e;</t></is></c></row>'
            b"</sheetData></worksheet>"
        )

    _with_sheet(path, sheet)


def corrupt_deflate(path: Path) -> None:
    rows = [_row(detalj=f"Anteckning {n} " + "x" * (n % 50)) for n in range(3000)]
    path.write_bytes(to_xlsx(rows, columns=HEADER))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = bytes(random.Random(7).randrange(256) for _ in range(64))
    path.write_bytes(bytes(data))


def zip_bomb(path: Path) -> None:
    def sheet(stream):
        stream.write(OPEN + b"<sheetData>" + _header_cells())
        zeros = b" " * (1024 * 1024)
        for _ in range(150):
            stream.write(zeros)
        stream.write(b"</sheetData></worksheet>")

    _with_sheet(path, sheet)


def malformed_xlsx(path: Path) -> None:
    def sheet(stream):
        stream.write(OPEN + b"<sheetData><row r='1'><c r='A1'><v>1</v></row>")  # never closed

    _with_sheet(path, sheet)


def not_a_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + bytes(random.Random(3).randrange(256) for _ in range(2000)))


def mixed_encoding(path: Path) -> None:
    utf8 = to_csv([_row(fornamn="Åsa")], columns=HEADER)
    cp1252 = to_csv([_row(fornamn="Örjan")], columns=HEADER, encoding="cp1252")
    path.write_bytes(utf8 + cp1252.split(b"\r\n", 1)[1])


def nul_after_bom(path: Path) -> None:
    path.write_bytes(b"\xef\xbb\xbf\x00" + to_csv([_row()], columns=HEADER))


def huge_csv_cell(path: Path) -> None:
    path.write_bytes(to_csv([_row(detalj="a" * 1_000_000)], columns=HEADER))


def huge_xlsx_cell(path: Path) -> None:
    text = base64.b64encode(os.urandom(750_000))  # one million characters, barely compressible

    def sheet(stream):
        stream.write(OPEN + b"<sheetData>" + _header_cells())
        stream.write(b'<row r="2"><c r="F2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>")
        stream.write(b"</sheetData></worksheet>")

    _with_sheet(path, sheet)


def long_first_name(path: Path) -> None:
    path.write_bytes(to_csv([_row(fornamn="Å" * 100_000)], columns=HEADER))


def three_million_csv_rows(path: Path) -> None:
    with path.open("wb") as out:
        out.write(to_csv([], columns=HEADER))
        out.write(";".join(_row().values()).encode() + b"\r\n")
        out.write(b"x\r\n" * 3_000_000)


def fullwidth_digits(path: Path) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in PNR)
    path.write_bytes(to_csv([_row(pnr=wide)], columns=HEADER))


def mixed_digits(path: Path) -> None:
    mixed = PNR[:4] + "".join(chr(ord(c) + 0xFEE0) for c in PNR[4:10]) + PNR[10:]
    path.write_bytes(to_csv([_row(pnr=mixed)], columns=HEADER))


# name: (file name, builder, words the reason must hold)
FILES = {
    "dimension_bomb": ("dimension.xlsx", dimension_bomb, "fler än"),
    "three_million_rows_xlsx": ("rows.xlsx", three_million_rows, "fler än"),
    "three_million_rows_csv": ("rows.csv", three_million_csv_rows, "fler än"),
    "entity_bomb": ("entities.xlsx", entity_bomb, "DTD"),
    "xxe": ("xxe.xlsx", xxe, "DTD"),
    "corrupt_deflate": ("corrupt.xlsx", corrupt_deflate, "skadad"),
    "zip_bomb": ("bomb.xlsx", zip_bomb, "packad hårdare"),
    "malformed_xlsx": ("malformed.xlsx", malformed_xlsx, "läsbar XLSX"),
    "not_a_zip": ("garbage.xlsx", not_a_zip, "läsbar XLSX"),
    "mixed_encoding": ("mixed.csv", mixed_encoding, "blandar teckenkodningar"),
    "nul_after_bom": ("nul.csv", nul_after_bom, "teckenkodning"),
    "huge_csv_cell": ("cell.csv", huge_csv_cell, "längre än"),
    "huge_xlsx_cell": ("cell.xlsx", huge_xlsx_cell, "längre än"),
    "long_first_name": ("name.csv", long_first_name, "längre än"),
    "fullwidth_digits": ("wide.csv", fullwidth_digits, "siffrorna 0–9"),
    "mixed_digits": ("mixed-digits.csv", mixed_digits, "siffrorna 0–9"),
}
