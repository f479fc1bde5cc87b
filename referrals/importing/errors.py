"""What the import reports: a row error with its line and column, and a file it cannot read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


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
