"""Read the first sheet of an XLSX file within the import's limits (issue 17).

Before openpyxl sees the file, `inspect` reads the zip's directory and decompresses
every member once, in chunks, holding none of it: the declared and the real expanded
sizes, the compression ratio, a corrupt deflate stream (zlib, CRC), a DTD (no XLSX
needs one: it is how entity bombs and XXE come in) and the rows of the sheets are all
known before anything is kept in memory. The sheet is then streamed with openpyxl in
read-only mode, ignoring its declared `<dimension>`; empty rows cost nothing, and a row
past the row limit or a cell past the column limit stops the read. openpyxl parses
through defusedxml, which refuses entities a second time.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime

from django.utils.translation import gettext as _

from . import limits
from .errors import ImportFileError, RowError

CHUNK = 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


def _refuse(reason: str, line: int = 1) -> ImportFileError:
    return ImportFileError([RowError(line, "", reason)])


def unreadable() -> ImportFileError:
    return _refuse(_("Filen är ingen läsbar XLSX-fil. Spara den på nytt i Excel eller som CSV."))


def inspect(data: bytes) -> None:
    """Refuse a zip that is too large expanded, too compressed, corrupt or carries a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise unreadable() from None
    if len(members) > limits.limit("IMPORT_MAX_MEMBERS"):
        raise unreadable()
    _check_declared_sizes(members)
    rows = 0
    for member in members:
        rows += _scan(archive, member)
    if rows > limits.max_rows() + 1:
        raise too_many_rows()


def too_many_rows() -> ImportFileError:
    return _refuse(
        _("Filen har fler än %(n)s rader. Dela upp den i flera filer.")
        % {"n": f"{limits.max_rows():,}".replace(",", "\u00a0")}
    )


def _too_large() -> ImportFileError:
    mb = limits.limit("IMPORT_MAX_EXPANDED_BYTES") // (1024 * 1024)
    return _refuse(
        _("Filen blir större än %(mb)s MB när den packas upp och läses inte. Dela upp den.")
        % {"mb": mb}
    )


def _check_declared_sizes(members: list[zipfile.ZipInfo]) -> None:
    if sum(m.file_size for m in members) > limits.limit("IMPORT_MAX_EXPANDED_BYTES"):
        raise _too_large()
    ratio = limits.limit("IMPORT_MAX_COMPRESSION_RATIO")
    for m in members:
        if m.file_size > limits.RATIO_EXEMPT_BYTES and m.file_size > ratio * max(
            m.compress_size, 1
        ):
            raise _refuse(
                _(
                    "Filen är packad hårdare än ett kalkylblad kan vara (en så kallad "
                    "zip-bomb) och läses inte."
                )
            )


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Decompress one member in chunks; the number of sheet rows it declares."""
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    rows, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                if is_xml and (b"\x00" in chunk or any(f in window for f in _FORBIDDEN)):
                    raise _refuse(
                        _(
                            "Filen innehåller XML-konstruktioner (DTD, entiteter) som inte hör "
                            "hemma i ett kalkylblad och läses inte."
                        )
                    )
                if is_xml and "worksheets/" in member.filename:
                    rows += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
                tail = window[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise _refuse(
            _("Filen är skadad (den går inte att packa upp). Spara den på nytt.")
        ) from None
    return rows


def rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of the first sheet's non-empty rows, streamed; `inspect` first."""
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    inspect(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, DefusedXmlException):
        raise unreadable() from None
    except Exception:  # openpyxl raises what its parsers raise on a malformed part
        raise unreadable() from None
    try:
        if not book.worksheets:
            raise unreadable()
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared <dimension> is not trusted
        yield from _stream(sheet)
    except ImportFileError:
        raise
    except DefusedXmlException:
        raise unreadable() from None
    except Exception:  # a malformed sheet part: a reason, never a traceback
        raise unreadable() from None
    finally:
        book.close()


def _stream(sheet) -> Iterator[tuple[int, list[str]]]:
    last_line = limits.max_rows() + 1
    width = limits.max_columns()
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not values:
            continue
        if line > last_line:
            raise too_many_rows()
        cells = [_cell(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > width:
            raise _refuse(_("Raden har fler än %(n)s kolumner.") % {"n": width}, line)
        yield line, cells


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
