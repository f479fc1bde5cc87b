"""Issue 17 (Low): zero-width-only and bidi-override text is refused by the rule layer, so
the services, the API and the import refuse what the forms refuse, with a Swedish reason."""

from datetime import date

import pytest

from casework.models import Case, Note, Participant, Transition
from casework.rules import CaseRuleError
from casework.services import note_add, note_correct
from casework.text import row_problems
from referrals.importing.applier import run_import
from referrals.importing.writer import to_csv
from referrals.models import WaitingListEntry
from referrals.services import referral_register
from tests.factories import make_pnr, unit
from tests.referrals.test_import_errors import ev

pytestmark = pytest.mark.django_db
BIDI = "Anna\u202eeraN"
ZERO_WIDTH = "\u200b\u200b"


@pytest.mark.parametrize("text", [BIDI, ZERO_WIDTH])
def test_the_note_service_refuses_the_text_and_writes_nothing(refer, coordinator, text):
    case = refer()
    notes = Note.objects.count()
    with pytest.raises(CaseRuleError) as refused:
        note_add(case_id=case.pk, text=text, on=date(2026, 1, 3), by=coordinator)
    assert "osynliga" in " ".join(refused.value.messages)
    assert Note.objects.count() == notes


def test_a_correction_cannot_bring_the_refused_text_in_either(refer, coordinator):
    case = refer()
    note = note_add(case_id=case.pk, text="Samtal.", on=date(2026, 1, 3), by=coordinator)
    with pytest.raises(CaseRuleError, match="skrivriktning"):
        note_correct(note_id=note.pk, text=BIDI, by=coordinator)
    assert Note.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "label"), [("first_name", "Förnamn"), ("last_name", "Efternamn")]
)
def test_the_referral_service_refuses_a_name_with_a_bidi_override(
    coordinator, jobbtorg, field, label
):
    people, cases = Participant.objects.count(), Case.objects.count()
    with pytest.raises(CaseRuleError) as refused:
        referral_register(
            personnummer_value=make_pnr(date(1990, 5, 17), 441),
            gender="K",
            programme=jobbtorg,
            unit=unit(),
            on=date(2026, 1, 2),
            income_support="EB_ARBETSLOSHET",
            by=coordinator,
            baseline_step=1,
            **{field: BIDI},
        )
    assert any(m.startswith(f"{label}:") for m in refused.value.messages)
    assert (Participant.objects.count(), Case.objects.count()) == (people, cases)


def test_the_referral_service_refuses_zero_width_referral_text(coordinator, refer):
    with pytest.raises(CaseRuleError, match="Anledning: Texten består bara av osynliga"):
        refer(referral_reason=ZERO_WIDTH)
    assert not Case.objects.exists()


def test_the_import_names_line_and_column_of_the_refused_text(coordinator):
    pnr = make_pnr(date(1990, 5, 17), 442)
    rows = [
        ev(pnr, "aktualisering", "2026-01-02", "EB_ARBETSLOSHET", kalla="SOC", steg="1"),
        ev(pnr, "samrad", "2026-01-03"),
    ]
    rows[0]["efternamn"] = BIDI
    result = run_import(to_csv(rows), filename="f.csv", user=coordinator)
    assert [(e.line, e.column) for e in result.errors] == [(2, "efternamn")]
    assert "skrivriktning" in result.errors[0].reason
    assert not Participant.objects.exists() and not Transition.objects.exists()


def test_the_waiting_list_reason_is_checked_too():
    entry = WaitingListEntry(reason=ZERO_WIDTH)
    assert row_problems(entry) == ["Motivering: Texten består bara av osynliga tecken."]
