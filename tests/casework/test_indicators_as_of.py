"""`--as-of`: a report computed from the history recorded up to a moment (C1, C2)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from casework.corrections import followup_correct, transition_correct_date
from casework.indicators.periods import Period
from casework.models import Case, Transition
from casework.rules import CaseRuleError
from tests.casework.indicator_journal import T1_2026, T2_2026, Journal, cell, counts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
T = datetime(2026, 6, 15, 12, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def journal(db):
    return Journal()


def _started_in_april(journal):
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=STOCKHOLM), tick=False):
        case = journal.refer(date(2026, 1, 2), gender="M")
        row = journal.start(case, "jobbsok", date(2026, 4, 20))
    return case, row


def test_a_correction_recorded_after_t_changes_today_but_not_the_report_as_of_t(journal):
    _case, row = _started_in_april(journal)
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=STOCKHOLM), tick=False):
        transition_correct_date(
            transition_id=row.pk, on=date(2026, 5, 4), by=journal.user, reason="Fel datum"
        )
    today = {code: counts(T1_2026, code) for code in ("UT5", "K2")}
    assert today == {"UT5": cell(0), "K2": {"total": None, "K": None, "M": None, "X": None}}
    as_of_t = {code: counts(T1_2026, code, as_of=T) for code in ("UT5", "K2")}
    assert as_of_t == {"UT5": cell(1, m=1), "K2": {"total": 108, "K": None, "M": 108, "X": None}}
    assert counts(T2_2026, "K2")["M"] == 122


def test_rows_recorded_after_t_are_not_in_the_report_as_of_t(journal):
    _started_in_april(journal)
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=STOCKHOLM), tick=False):
        journal.refer(date(2026, 2, 1), gender="K")
    assert counts(T1_2026, "IN1") == cell(2, k=1, m=1)
    assert counts(T1_2026, "IN1", as_of=T) == cell(1, m=1)
    assert counts(T1_2026, "IN1", as_of=datetime(2026, 5, 1, tzinfo=STOCKHOLM)) == cell(0)


def test_a_correction_keeps_the_original_and_refreshes_the_case(journal):
    case, row = _started_in_april(journal)
    new = transition_correct_date(
        transition_id=row.pk, on=date(2026, 5, 4), by=journal.user, reason="Fel datum"
    )
    case = Case.objects.get(pk=case.pk)
    assert (new.supersedes_id, new.seq, new.to_state) == (row.pk, row.seq, "jobbsok")
    assert Transition.objects.filter(pk=row.pk).exists()
    assert (case.state_since, case.last_event_on) == (date(2026, 5, 4), date(2026, 5, 4))


def test_a_corrected_referral_date_moves_referred_on(journal):
    case = journal.refer(date(2026, 3, 1), gender="K", programme="SIKTA")
    referral = case.transitions.get()
    transition_correct_date(
        transition_id=referral.pk, on=date(2026, 2, 20), by=journal.user, reason="Remiss daterad"
    )
    assert Case.objects.get(pk=case.pk).referred_on == date(2026, 2, 20)
    assert counts(Period(date(2026, 2, 20), date(2026, 2, 20)), "IN4") == cell(1, k=1)


def test_a_correction_cannot_pass_the_neighbouring_events(journal):
    case, row = _started_in_april(journal)
    journal.exit(case, date(2026, 5, 10), "ARBETE")
    with pytest.raises(CaseRuleError, match="efter nästa statusändring"):
        transition_correct_date(
            transition_id=row.pk, on=date(2026, 5, 11), by=journal.user, reason="x"
        )
    with pytest.raises(CaseRuleError, match="före föregående statusändring"):
        transition_correct_date(
            transition_id=row.pk, on=date(2026, 1, 1), by=journal.user, reason="x"
        )
    with pytest.raises(CaseRuleError, match="motivering"):
        transition_correct_date(
            transition_id=row.pk, on=date(2026, 5, 1), by=journal.user, reason=""
        )


def test_a_corrected_row_cannot_be_corrected_twice_and_managers_cannot_correct(journal):
    _case, row = _started_in_april(journal)
    transition_correct_date(transition_id=row.pk, on=date(2026, 4, 25), by=journal.user, reason="x")
    with pytest.raises(CaseRuleError, match="redan rättad"):
        transition_correct_date(
            transition_id=row.pk, on=date(2026, 4, 26), by=journal.user, reason="x"
        )
    manager = UserFactory(roles=["manager"])
    latest = row.corrections.get()
    with pytest.raises(PermissionDenied):
        transition_correct_date(
            transition_id=latest.pk, on=date(2026, 4, 26), by=manager, reason="x"
        )


def test_a_corrected_follow_up_outcome_changes_ut6(journal):
    case = journal.refer(date(2026, 1, 2), gender="K")
    journal.start(case, "anstallning", date(2026, 1, 10))
    journal.exit(case, date(2026, 3, 1), "AVBROTT")
    followup = journal.follow_up(case, date(2026, 9, 2), receives_eb=False)
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    assert counts(period, "UT6") == cell(0) | {"due": 1, "missing": 0}
    followup_correct(
        followup_id=followup.pk, receives_eb=True, on=date(2026, 9, 2), by=journal.user, reason="x"
    )
    assert counts(period, "UT6") == cell(1, k=1) | {"due": 1, "missing": 0}
