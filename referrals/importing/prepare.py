"""Before anything is applied: the file read into events, and a file imported before."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import ngettext

from casework import personnummer
from casework.models import ImportBatch
from programmes.models import Programme

from .errors import ImportFileError, RowError
from .reader import read_table
from .rows import Event, RowInvalid, parse_row


def already_imported(sha256: str) -> RowError | None:
    batch = ImportBatch.objects.filter(sha256=sha256).only("imported_at", "filename", "rows")
    found = batch.first()
    if found is None:
        return None
    return RowError(
        0,
        "",
        ngettext(
            "Filen har redan importerats %(when)s (%(file)s, %(rows)s rad) och importeras "
            "inte igen. Inget har ändrats.",
            "Filen har redan importerats %(when)s (%(file)s, %(rows)s rader) och importeras "
            "inte igen. Inget har ändrats.",
            found.rows,
        )
        % {
            "when": timezone.localtime(found.imported_at).strftime("%Y-%m-%d %H:%M"),
            "file": found.filename,
            "rows": found.rows,
        },
    )


@dataclass
class Parsed:
    events: list[Event] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    failed_persons: set[str] = field(default_factory=set)  # keys of persons with a bad row

    def applicable(self) -> list[Event]:
        """The events of the persons none of whose rows failed to parse.

        A person with a bad row is not applied: their later rows would only echo it. The
        others are, so one pass reports the rules' errors as well (issue 12).
        """
        return [e for e in self.events if e.pnr not in self.failed_persons]


def parse(
    data: bytes,
    filename: str,
    *,
    programmes: dict[str, Programme] | None = None,
    today: date | None = None,
) -> Parsed:
    """Read the file and check every row's form; nothing is applied."""
    parsed = Parsed()
    try:
        rows = read_table(data, filename)
    except ImportFileError as exc:
        parsed.errors = exc.errors
        return parsed
    if programmes is None:
        programmes = {p.code: p for p in Programme.objects.prefetch_related("rules", "shared_with")}
    today = today or timezone.localdate()
    parsed.rows = len(rows)
    for row in rows:
        try:
            parsed.events.append(parse_row(row, programmes, today))
        except RowInvalid as exc:
            parsed.errors.append(exc.error)
            parsed.failed_persons.add(_person_key(row.values.get("personnummer", ""), today))
    return parsed


def _person_key(value: str, today: date) -> str:
    try:
        return personnummer.parse(value, today=today).canonical
    except ValidationError:
        return value


def parse_file(data: bytes, filename: str, **kwargs) -> tuple[list[Event], list[RowError], int]:
    """The valid events of the file, every row error and the number of rows."""
    parsed = parse(data, filename, **kwargs)
    return parsed.events, parsed.errors, parsed.rows
