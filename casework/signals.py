"""Signals that let the audit app observe casework without casework importing it."""

from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

# Sent when a user asks for a case outside their scope (answered 404): user, case_id, route.
scope_refused = Signal()

# Sent after journal rows were written with bulk_create, which sends no post_save: rows,
# in the order they were written (the import's unit of work, casework.store).
journal_bulk_written = Signal()

# Sent inside `case_exit`'s transaction after the exit is saved: case, on, by. Apps that
# casework may not import (providers: a placement ends with the case) follow the exit
# here, in the same transaction, so every exit path (form, bulk, import, API) is covered.
case_exited = Signal()

# Sent by the coach's caseload: user, today, limit (the rows it shows of a group). A
# receiver returns a `ReminderGroup` of named rows, each with a `case`, at most `limit`
# of them with the `total`; the caseload shows them under its own reminders and names
# their participants in its one access-log row. Apps that build on casework (surveys)
# add their reminders here; casework imports none.
caseload_reminders = Signal()


@dataclass(frozen=True)
class ReminderGroup:
    """Named reminder rows from another app, rendered with that app's template."""

    template: str
    rows: list[Any]
    # Where all the rows are listed, when the caseload shows only the first few.
    all_url: str = ""
    # How many rows there are in all, when `rows` holds only the first few (the
    # receiver was sent `limit`); None: `rows` is all of them.
    total: int | None = None
