"""Deadlines and overstays of the spell projection, from the rules (docs/adr/0104).

`casework.rules` is the one text of a deadline; this module feeds it the journal of many
cases at once (three queries per chunk) so `refresh_spells` can write each spell's
deadline and first overstay day, and a `CASE_SPELL` row where the programme limits the
whole case. The report's OVERSTAY reads those columns (indicators.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
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


def _cases(case_ids: Sequence[int], field: str = "case_id") -> dict:
    """A filter on these cases: a `range` (the bulk refresh's id blocks) as BETWEEN, so a
    block of thousands of cases is one indexed range scan rather than a long IN list."""
    if isinstance(case_ids, range):
        return {f"{field}__gte": case_ids.start, f"{field}__lt": case_ids.stop}
    return {f"{field}__in": case_ids}


def _current(model, case_ids: Sequence[int], as_of: datetime | None):
    """The model's rows of these cases that are current (as recorded at T when given)."""
    rows = model.objects.filter(**_cases(case_ids))
    if as_of is None:
        return rows.filter(corrections__isnull=True)
    return rows.filter(recorded_at__lte=as_of).exclude(corrections__recorded_at__lte=as_of)


def _facts(
    case_ids: Sequence[int], as_of: datetime | None = None
) -> dict[int, tuple[tuple, CaseFacts]]:
    """Each case's (participant, programme, gender) and the facts the deadlines read:
    the current journal, or the journal as recorded at T."""
    from programmes.models import Programme

    from .models import Case, Extension, Transition

    programmes = {p.pk: p for p in Programme.objects.prefetch_related("rules")}
    cases = Case.objects.filter(**_cases(case_ids, "pk")).values_list(
        "id", "programme_id", "participant_id", "participant__gender"
    )
    out = {}
    for pk, programme_id, participant_id, gender in cases:
        lite = SimpleNamespace(programme=programmes[programme_id])
        out[pk] = ((participant_id, programme_id, gender), CaseFacts(lite))  # type: ignore[arg-type]
    rows = _current(Transition, case_ids, as_of)
    for case_id, *values in rows.order_by("case_id", "effective_on", "seq").values_list(
        "case_id", *_FIELDS
    ):
        row = SimpleNamespace(**dict(zip(_FIELDS, values, strict=True)))
        if case_id in out:
            out[case_id][1].transitions.append(row)
    extensions = _current(Extension, case_ids, as_of)
    for case_id, insats, on, months in extensions.order_by("pk").values_list(
        "case_id", "insats_type", "effective_on", "months"
    ):
        if case_id in out:
            out[case_id][1].extensions.append(
                SimpleNamespace(insats_type=insats, effective_on=on, months=months)
            )
    return {pk: known for pk, known in out.items() if known[1].transitions}


def compute(case_ids: Sequence[int]) -> tuple[list[tuple], list[tuple]]:
    """(deadline, overstay_from, spell id) per insats spell with a deadline, and the rows
    of the cases' own limits."""
    from .models import Spell

    known = _facts(case_ids)
    stored = Spell.objects.filter(**_cases(case_ids), state__in=rules.INSATS)
    return _rows(known, stored.values_list("id", "case_id", "state", "start_on", "end_on"))


def compute_one(
    case_id: int, who: tuple, facts: CaseFacts, stored: Iterable[tuple]
) -> tuple[list[tuple], list[tuple]]:
    """As `compute`, for one case whose facts the writing service holds, current and with
    the rows it wrote, and whose spell rows (id, state, start, end) were just inserted:
    nothing is read again."""
    rows = [(pk, case_id, state, start, end) for pk, state, start, end in stored]
    return _rows({case_id: (who, facts)}, rows)


def _rows(
    known: dict[int, tuple[tuple, CaseFacts]], stored: Iterable[tuple]
) -> tuple[list[tuple], list[tuple]]:
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
    for pk, case_id, state, start, end in stored:
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


_AS_OF_CHUNK = 300


def overstaying_as_of(
    as_of: datetime, start: date, end: date, programme_ids: Sequence[int] | None = None
) -> list[tuple[int, str, int, int]]:
    """(participant, gender, case, programme) of every case with a spell, or a case limit,
    that by the journal as recorded at T is past its deadline on some day of [start, end]:
    the deadlines as they were then, with the extensions recorded by T (OVERSTAY; `as_of`)."""
    from django.db.models import Exists, OuterRef

    from .models import Case, Transition

    # A case that had exited before P (by the journal at T) cannot overstay in P.
    exited_before = Transition.objects.filter(
        case=OuterRef("pk"), to_state=rules.AVSLUTAD, effective_on__lt=start, recorded_at__lte=as_of
    ).exclude(corrections__recorded_at__lte=as_of)
    cases = Case.objects.filter(
        transitions__recorded_at__lte=as_of, transitions__effective_on__lte=end
    ).exclude(Exists(exited_before))
    if programme_ids is not None:
        cases = cases.filter(programme_id__in=programme_ids)
    ids = sorted(set(cases.values_list("id", flat=True)))
    found: set[tuple[int, str, int, int]] = set()
    for i in range(0, len(ids), _AS_OF_CHUNK):
        for case_id, (who, facts) in _facts(ids[i : i + _AS_OF_CHUNK], as_of).items():
            if _overstays_in(facts, start, end):
                found.add((who[0], who[2], case_id, who[1]))
    return sorted(found)


def _overstays_in(facts: CaseFacts, start: date, end: date) -> bool:
    """Some spell, or the case itself, is past its deadline on a day of [start, end]."""
    spells = rules.spells(facts)
    limits = [(rules.spell_deadline(facts, s), s.end) for s in spells if s.state in rules.INSATS]
    exit_on = spells[-1].start if spells[-1].state == rules.AVSLUTAD else None
    limits.append((rules.case_deadline(facts), exit_on))
    for deadline, spell_end in limits:
        first = overstay_from(deadline, spell_end)
        if first is not None and first <= end and (spell_end is None or spell_end > start):
            return True
    return False
