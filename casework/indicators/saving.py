"""Fastställ (issue 14 item 6): the board report saved as sent, with its safeguards.

- Saved before the period has ended (today <= the period's last day) it is `preliminär`.
- A second fastställ of the same period and programme is the next version; it records
  which cells and goal statuses differ from the version before it (`changes`).
- Two at once of the same period and scope (a programme, or all programmes, which has no
  row to lock) are serialised by a transaction-scoped lock on the scope: the second waits,
  then reads the first's version and saves the next.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import connections, router, transaction
from django.utils import timezone

from casework.models import SavedReport, SavedStatus, actor_label

from .periods import Period


def differences(saved: dict, today: dict) -> dict[str, dict]:
    """Cells whose value in `today` differs from `saved`: {code: {column: today's value}}."""
    changed: dict[str, dict] = {}
    for code, values in saved["indicators"].items():
        now = today["indicators"].get(code, {})
        for column, value in values.items():
            if now.get(column) != value:
                changed.setdefault(code, {})[column] = now.get(column)
    return changed


def goal_differences(before: dict, after: dict) -> list[dict]:
    """Goals whose value or status differ between two saved reports (matched by wording)."""
    old = {g["wording"]: g for g in before.get("goals", [])}
    result = []
    for goal in after.get("goals", []):
        earlier = old.get(goal["wording"], {})
        if (earlier.get("value"), earlier.get("status")) != (goal["value"], goal["status"]):
            result.append({
                "wording": goal["wording"],
                "before": {"value": earlier.get("value"), "status": earlier.get("status_label")},
                "after": {"value": goal["value"], "status": goal["status_label"]},
            })  # fmt: skip
    return result


def status_for(period: Period, today: date) -> str:
    return SavedStatus.PRELIMINARY if today <= period.end else SavedStatus.FINAL


def latest_version(period: Period, programme) -> SavedReport | None:
    return (
        SavedReport.objects.filter(
            period_start=period.start, period_end=period.end, programme=programme
        )
        .order_by("-version")
        .first()
    )


def _lock_scope(period: Period, programme) -> None:
    """Hold, until the transaction ends, a lock on (period, programme or all programmes).

    PostgreSQL: an advisory transaction lock on a 64-bit key of the scope; SQLite has one
    writer at a time already."""
    db = router.db_for_write(SavedReport)
    if connections[db].vendor != "postgresql":
        return
    scope = f"faststall:{period.start}:{period.end}:{programme.pk if programme else 'alla'}"
    key = int.from_bytes(hashlib.sha256(scope.encode()).digest()[:8], "big", signed=True)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def faststall(*, data: dict, chart: dict, period: Period, programme, programme_ids, user):
    """Save the board report as sent; the next version of the same period if one exists."""
    with transaction.atomic(using=router.db_for_write(SavedReport)):
        _lock_scope(period, programme)  # two managers at once: one waits, gets the next version
        before = latest_version(period, programme)
        changes = {}
        if before is not None:
            changes = {
                "indicators": differences(before.data, data),
                "goals": goal_differences(before.data, data),
            }
        return SavedReport.objects.create(
            period_start=period.start,
            period_end=period.end,
            programme=programme,
            programme_ids=programme_ids,
            data=data,
            chart=chart,
            saved_by=user,
            saved_by_label=actor_label(user),
            status=status_for(period, timezone.localdate()),
            version=before.version + 1 if before else 1,
            replaces=before,
            changes=changes,
        )
