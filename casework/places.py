"""Places of an insats on a given day, and when the next one frees (000 §4.4; 002 §5).

Read from the spell projection by the same rule the start checks (`casework.store`):
where the rule says so only regular anställningar at municipal workplaces take a place,
and where places are full-time places a participant takes their scope of one.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min, Q

from programmes.models import InsatsRule

from .models import Spell


def _taking(rule: InsatsRule, on: date):
    rows = Spell.objects.filter(
        programme_id=rule.programme_id, state=rule.insats_type, start_on__lte=on
    ).filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
    if rule.places_regular_municipal_only:
        rows = rows.filter(is_osa=False, workplace__kommunal=True)
    return rows


def places_taken(rule: InsatsRule, on: date) -> int | float:
    """Places taken on `on`: a count, or full-time places where the rule counts scope."""
    from .store import _stored_places

    hundredths = _stored_places(rule, on)
    return hundredths // 100 if hundredths % 100 == 0 else hundredths / 100


def next_place_frees(rule: InsatsRule, on: date) -> date | None:
    """The day after the earliest planned end or deadline of a spell taking a place now."""
    earliest = _taking(rule, on).aggregate(d=Min("deadline"))["d"]
    return None if earliest is None else earliest + timedelta(days=1)
