"""Deadlines and overstays of the spell projection, from the rules (docs/adr/0104).

`casework.rules` is the one text of a deadline; this module feeds it the journal of many
cases at once (three queries per chunk) so `refresh_spells` can write each spell's
deadline and first overstay day, and a `CASE_SPELL` row where the programme limits the
whole case. The report's OVERSTAY reads those columns (indicators.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from . import rules
from .facts import CaseFacts

_FIELDS = ("to_state", "effective_on", "is_osa", "planned_end", "workplace_id", "scope", "min_end")


def overstay_from(deadline: date | None, end: date | None) -> date | None:
    """The first day past the deadline, when the spell reaches it (open spells may)."""
    if deadline is None:
        return None
    first = deadline + timedelta(days=1)
    return first if end is None or end > first else None


def _facts(case_ids: list[int]) -> dict[int, tuple[tuple, CaseFacts]]:
    from programmes.models import Programme

    from .models import Case, Extension, Transition

    programmes = {p.pk: p for p in Programme.objects.prefetch_related("rules")}
    cases = Case.objects.filter(pk__in=case_ids).values_list(
        "id", "programme_id", "participant_id", "participant__gender"
    )
    out = {}
    for pk, programme_id, participant_id, gender in cases:
        lite = SimpleNamespace(programme=programmes[programme_id])
        out[pk] = ((participant_id, programme_id, gender), CaseFacts(lite))  # type: ignore[arg-type]
    rows = Transition.objects.filter(case_id__in=case_ids, corrections__isnull=True)
    for case_id, *values in rows.order_by("case_id", "effective_on", "seq").values_list(
        "case_id", *_FIELDS
    ):
        row = SimpleNamespace(**dict(zip(_FIELDS, values, strict=True)))
        out[case_id][1].transitions.append(row)
    extensions = Extension.objects.filter(case_id__in=case_ids, corrections__isnull=True)
    for case_id, insats, on, months in extensions.order_by("pk").values_list(
        "case_id", "insats_type", "effective_on", "months"
    ):
        out[case_id][1].extensions.append(
            SimpleNamespace(insats_type=insats, effective_on=on, months=months)
        )
    return out


def compute(case_ids: list[int]) -> tuple[list[tuple], list[tuple]]:
    """(deadline, overstay_from, spell id) per insats spell with a deadline, and the rows
    of the cases' own limits."""
    from .models import Spell

    known = _facts(case_ids)
    deadlines: dict[tuple, date | None] = {}
    case_rows = []
    for case_id, (who, facts) in known.items():
        for spell in rules.spells(facts):
            if spell.state in rules.INSATS:
                key = (case_id, spell.state, spell.start, spell.end)
                deadlines[key] = rules.spell_deadline(facts, spell)
        row = _case_row(case_id, who, facts)
        if row is not None:
            case_rows.append(row)
    updates = []
    stored = Spell.objects.filter(case_id__in=case_ids, state__in=rules.INSATS)
    for pk, case_id, state, start, end in stored.values_list(
        "id", "case_id", "state", "start_on", "end_on"
    ):
        deadline = deadlines.get((case_id, state, start, end))
        if deadline is not None:
            updates.append((deadline, overstay_from(deadline, end), pk))
    return updates, case_rows


def _case_row(case_id: int, who: tuple, facts: CaseFacts) -> tuple | None:
    deadline = rules.case_deadline(facts)
    if deadline is None:
        return None
    spells = rules.spells(facts)
    end = spells[-1].start if spells[-1].state == rules.AVSLUTAD else None
    participant_id, programme_id, gender = who
    return (
        case_id,
        participant_id,
        programme_id,
        gender,
        rules.CASE_LIMIT,
        spells[0].start,
        end,
        deadline,
        overstay_from(deadline, end),
    )
