"""The spell projection always equals the spells the rules derive from the journal.

Random histories go through the real services (referral, insatser, exits, enrolments
and date corrections); after every step (and at the end) every case's `Spell` rows must be exactly
`rules.spells(case)` plus one row per current enrolment, with the case facts the
indicator queries read from them.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import deep
from casework import rules
from casework.corrections import transition_correct_date
from casework.models import INSATS_STATES, Case, Enrolment, Spell
from casework.projections import ENROLMENT, refresh_all_spells
from casework.services import case_extend
from tests.casework.indicator_journal import Journal

pytestmark = pytest.mark.django_db
START = date(2024, 1, 8)
STEPS = st.tuples(
    st.sampled_from([*INSATS_STATES, "exit", "enrol", "unenrol", "correct"]),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=-20, max_value=20),
)
SPELL_FIELDS = ("case_id", "state", "start_on", "end_on", "deadline", "overstay_from", "scope")
HISTORIES = st.lists(st.lists(STEPS, max_size=8), min_size=1, max_size=3)


def _apply(journal: Journal, case: Case, kind: str, on: date, shift: int) -> None:
    if kind in INSATS_STATES:
        journal.start(case, kind, on, kommunal=shift % 2 == 0)
    elif kind == "exit":
        journal.exit(case, on, reason="STUDIER")
    elif kind == "enrol":
        journal.enrol(case, on)
    elif kind == "unenrol":
        journal.unenrol(case, on)
    else:
        rows = rules.current_transitions(case)
        row = rows[abs(shift) % len(rows)]
        transition_correct_date(
            transition_id=row.pk,
            on=row.effective_on + timedelta(days=shift),
            by=journal.user,
            reason="fel datum",
        )


def _expected(case: Case) -> list[tuple]:
    spells = rules.spells(case)
    insats = [s.start for s in spells if s.state in INSATS_STATES]
    facts = (spells[0].start, min(insats, default=None), case.income_support)
    rows: list[tuple] = [(s.state, s.start, s.end, s.workplace_id, *facts) for s in spells]
    for enrolment in Enrolment.objects.filter(case=case, corrections__isnull=True):
        ends = [e.effective_on for e in enrolment.ends.filter(corrections__isnull=True)]
        rows.append((ENROLMENT, enrolment.effective_on, min(ends, default=None), None))
        rows[-1] += (None, None, "")
    return sorted(rows, key=repr)


def _projected(case: Case) -> list[tuple]:
    rows = Spell.objects.filter(case=case).values_list(
        "state",
        "start_on",
        "end_on",
        "workplace_id",
        "referred_on",
        "first_insats_on",
        "income_support",
    )
    for row in Spell.objects.filter(case=case):
        assert (row.participant_id, row.gender) == (case.participant_id, case.participant.gender)
        assert row.programme_id == case.programme_id
    return sorted(rows, key=repr)


def _projection_matches_the_rules() -> None:
    cases = list(Case.objects.select_related("participant"))
    assert cases
    for case in cases:
        assert _projected(case) == _expected(case), case.pk
    # verify_audit --deep recomputes the same projections from the journal (issue 17).
    assert deep.spell_problems() == []
    assert deep.case_problems() == []


@given(histories=HISTORIES)
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_projection_equals_the_spells_of_random_histories(histories):
    with transaction.atomic():
        journal = Journal()
        for i, steps in enumerate(histories):
            on = START
            case = journal.refer(on, gender="KMX"[i])
            for kind, days, shift in steps:
                on += timedelta(days=days)
                try:
                    with transaction.atomic():
                        _apply(journal, Case.objects.get(pk=case.pk), kind, on, shift)
                except (ValidationError, TransitionNotAllowed, PermissionDenied):
                    continue
                case = Case.objects.select_related("participant").get(pk=case.pk)
                assert _projected(case) == _expected(case), (kind, on)
        _projection_matches_the_rules()
        before = sorted(Spell.objects.values_list(*SPELL_FIELDS))
        refresh_all_spells()
        after = sorted(Spell.objects.values_list(*SPELL_FIELDS))
        # The per-case refresh (deadlines from the writing service's facts) and the full
        # rebuild (deadlines from the journal read again) agree, deadlines included.
        assert after == before
        transaction.set_rollback(True)


def test_a_corrected_transition_date_moves_both_spells_it_bounds():
    journal = Journal()
    case = journal.refer(date(2025, 1, 7))
    journal.start(case, "kartlaggning", date(2025, 1, 14))
    moved = journal.start(case, "jobbsok", date(2025, 2, 3))
    journal.exit(case, date(2025, 3, 3))
    transition_correct_date(
        transition_id=moved.pk, on=date(2025, 2, 10), by=journal.user, reason="fel datum"
    )
    spells = dict(Spell.objects.filter(case=case).values_list("state", "end_on"))
    assert spells["kartlaggning"] == date(2025, 2, 10)
    assert Spell.objects.get(case=case, state="jobbsok").start_on == date(2025, 2, 10)
    _projection_matches_the_rules()


def _stored_spells() -> list[tuple]:
    return sorted(Spell.objects.values_list(*SPELL_FIELDS), key=repr)


def test_a_service_writes_the_deadlines_and_case_limit_a_full_rebuild_writes():
    """A service refreshes its case's spells from the facts it holds (issue 15); the
    deadlines, overstays and Sikta's case-limit row equal those of a rebuild that reads
    the journal again."""
    journal = Journal()
    sikta = journal.refer(date(2025, 1, 10), programme="SIKTA")
    journal.start(sikta, "kartlaggning", date(2025, 1, 15))
    journal.start(sikta, "jobbsok", date(2025, 2, 1))
    case_extend(case_id=sikta.pk, on=date(2025, 6, 1), months=6, reason="Studier", by=journal.user)
    jobbtorg = journal.refer(date(2025, 3, 3))
    journal.start(jobbtorg, "kartlaggning", date(2025, 3, 10))
    journal.start(jobbtorg, "jobbsok", date(2025, 4, 1))
    journal.start(jobbtorg, "kartlaggning", date(2025, 9, 1))
    journal.exit(jobbtorg, date(2025, 12, 1), reason="STUDIER")
    written = _stored_spells()
    assert any(row[1] == rules.CASE_LIMIT for row in written)
    assert any(row[1] in INSATS_STATES and row[4] is not None for row in written)
    assert any(row[5] is not None for row in written)  # an overstay on record
    refresh_all_spells()
    assert _stored_spells() == written
