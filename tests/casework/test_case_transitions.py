"""Every allowed and every refused transition of the case state machine (domain.md)."""

import itertools
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from casework.models import Case, State, Transition
from casework.rules import CaseRuleError
from casework.services import case_exit, case_start_insats
from tests.factories import workplace

INSATSER = ["kartlaggning", "jobbsok", "arbetstraning", "arbetspraktik", "anstallning"]
D = date(2026, 2, 2)


def start(case, insats, by, on=D):
    extra = {"workplace": workplace()} if insats in ("arbetspraktik", "anstallning") else {}
    return case_start_insats(case_id=case.pk, insats=insats, on=on, by=by, **extra)


@pytest.mark.parametrize("target", INSATSER)
def test_coordinator_starts_any_first_insats_from_aktualisering(ready_case, coordinator, target):
    row = start(ready_case, target, coordinator)
    ready_case.refresh_from_db()
    assert ready_case.state == target
    assert (row.from_state, row.to_state, row.effective_on) == ("aktualisering", target, D)
    assert row.actor == coordinator and row.recorded_at is not None


@pytest.mark.parametrize("source", INSATSER)
@pytest.mark.parametrize("target", INSATSER)
def test_moves_between_insatser_are_free_but_not_to_the_same(
    ready_case, coordinator, coach, source, target
):
    start(ready_case, source, coordinator, on=date(2026, 1, 5))
    if source == target:
        with pytest.raises(CaseRuleError, match="redan i den insatsen"):
            start(ready_case, target, coach)
    else:
        start(ready_case, target, coach)
        ready_case.refresh_from_db()
        assert ready_case.state == target


@pytest.mark.parametrize("source", ["aktualisering", *INSATSER])
def test_every_open_state_can_exit(ready_case, coordinator, source):
    if source != "aktualisering":
        start(ready_case, source, coordinator, on=date(2026, 1, 5))
    case_exit(case_id=ready_case.pk, on=D, reason_code="ARBETE", by=coordinator)
    ready_case.refresh_from_db()
    assert (ready_case.state, ready_case.exit_reason) == ("avslutad", "ARBETE")


@pytest.mark.parametrize("target", INSATSER)
def test_avslutad_is_terminal(ready_case, coordinator, target):
    case_exit(case_id=ready_case.pk, on=D, reason_code="EJ_AKTUELL", by=coordinator)
    with pytest.raises(CaseRuleError):
        start(ready_case, target, coordinator)
    with pytest.raises(CaseRuleError, match="redan avslutat"):
        case_exit(case_id=ready_case.pk, on=D, reason_code="OVRIGT", by=coordinator)
    assert Transition.objects.filter(case=ready_case).count() == 2


def test_nothing_returns_to_aktualisering():
    targets = {t.target for t in Case._meta.get_field("state").get_all_transitions(Case)}
    assert "aktualisering" not in targets


def test_ej_aktuell_only_before_the_first_insats(ready_case, coordinator):
    start(ready_case, "kartlaggning", coordinator)
    with pytest.raises(CaseRuleError, match="Ej aktuell"):
        case_exit(case_id=ready_case.pk, on=D, reason_code="EJ_AKTUELL", by=coordinator)


def test_coach_cannot_decide_the_first_insats(ready_case, coach):
    with pytest.raises(PermissionDenied):
        start(ready_case, "kartlaggning", coach)
    assert Transition.objects.filter(case=ready_case).count() == 1


def test_state_field_is_protected(ready_case):
    with pytest.raises(AttributeError):
        ready_case.state = State.AVSLUTAD


def test_fsm_refuses_a_transition_from_a_wrong_source(ready_case, coordinator):
    case_exit(case_id=ready_case.pk, on=D, reason_code="EJ_AKTUELL", by=coordinator)
    ready_case.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        ready_case.start_jobbsok()


def test_transition_rows_replay_to_the_state(ready_case, coordinator, coach):
    start(ready_case, "kartlaggning", coordinator, on=date(2026, 1, 5))
    start(ready_case, "arbetstraning", coach, on=date(2026, 1, 20))
    case_exit(case_id=ready_case.pk, on=D, reason_code="STUDIER", by=coach)
    rows = list(Transition.objects.filter(case=ready_case).order_by("seq"))
    assert [r.to_state for r in rows] == [
        "aktualisering",
        "kartlaggning",
        "arbetstraning",
        "avslutad",
    ]
    assert all(a.to_state == b.from_state for a, b in itertools.pairwise(rows))
