"""The import's hard limits (docs/import-format.md "Limits"), overridable in settings.

They bound what one file may cost before the memory goes: the reader checks them while
it streams, and refuses with a Swedish reason past any of them (issue 17).
"""

from __future__ import annotations

from django.conf import settings

_DEFAULTS = {
    "IMPORT_MAX_UPLOAD_BYTES": 50 * 1024 * 1024,  # the file as uploaded
    "IMPORT_MAX_ROWS": 200_000,  # data rows, the header not counted
    "IMPORT_MAX_COLUMNS": 30,  # cells of a row, empty trailing cells included
    "IMPORT_MAX_CELL_CHARS": 2_000,  # one value; names and workplaces have their own, lower
    "IMPORT_MAX_EXPANDED_BYTES": 200 * 1024 * 1024,  # an XLSX's members, uncompressed, together
    "IMPORT_MAX_COMPRESSION_RATIO": 100,  # an XLSX member's uncompressed / compressed size
    "IMPORT_MAX_MEMBERS": 100,  # files inside an XLSX
}
# A member smaller than this may be compressed as hard as it likes (empty styles, one row).
RATIO_EXEMPT_BYTES = 1024 * 1024


def limit(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))


def max_rows() -> int:
    return limit("IMPORT_MAX_ROWS")


def max_columns() -> int:
    return limit("IMPORT_MAX_COLUMNS")


def max_cell_chars() -> int:
    return limit("IMPORT_MAX_CELL_CHARS")


def max_upload_bytes() -> int:
    return limit("IMPORT_MAX_UPLOAD_BYTES")
