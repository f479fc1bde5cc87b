"""Issue 17 item 10: after gallring only the blanked value is accepted for a purged row's
text; a service, a correction, a shell save all refuse new text (audit.purge_guard)."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from casework.corrections import transition_correct_date
from casework.models import Case, Note, Participant, Transition
from casework.rules import CaseRuleError
from casework.services import note_correct
from referrals.models import WaitingListEntry

from .test_gallra import TODAY, people  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("purged")


@pytest.fixture
def purged(people):  # noqa: F811
    with time_machine.travel(TODAY, tick=False):
        call_command("gallra", "--execute")
    return people


def _old(purged) -> Case:
    return Case.objects.get(pk=purged["old"].pk)


def test_a_correction_of_a_purged_note_is_refused_and_writes_nothing(purged):
    note = _old(purged).notes.get()
    notes = Note.objects.count()
    with time_machine.travel(TODAY, tick=False), pytest.raises(CaseRuleError, match="gallrade"):
        note_correct(note_id=note.pk, text="Purgida mådde bra.", by=purged["by"])
    assert Note.objects.count() == notes


def test_a_date_correction_with_a_reason_is_refused_on_a_purged_case(purged):
    row = Transition.objects.filter(case=_old(purged)).order_by("seq").last()
    with time_machine.travel(TODAY, tick=False), pytest.raises(CaseRuleError, match="gallrade"):
        transition_correct_date(
            transition_id=row.pk, on=date(2020, 5, 29), by=purged["by"], reason="Purgida ringde"
        )


def test_the_names_and_the_cases_text_stay_blank_even_from_a_shell(purged):
    case = _old(purged)
    person = Participant.objects.get(pk=case.participant_id)
    person.first_name = "Purgida"
    with pytest.raises(CaseRuleError, match="förnamn"):
        person.save()
    case.referral_reason = "Purgida behöver stöd."
    with pytest.raises(CaseRuleError, match="anledning"):
        case.save()
    assert Participant.objects.get(pk=person.pk).first_name == ""
    assert Case.objects.get(pk=case.pk).referral_reason == ""


def test_the_blanked_value_itself_is_accepted(purged):
    case = _old(purged)
    person = Participant.objects.get(pk=case.participant_id)
    person.save()  # unchanged: blank names, the placeholder
    case.referral_reason = ""
    case.save()
    entry = WaitingListEntry(
        case=case, programme=case.programme, insats_type="jobbsok",
        decided_on=date(2020, 5, 1), queued_by=purged["by"], reason="",
    )  # fmt: skip
    entry.save()
    entry.reason = "Purgida väntar."
    with pytest.raises(CaseRuleError, match="motivering"):
        entry.save()


def test_a_person_who_is_not_purged_keeps_every_write(purged):
    case = Case.objects.get(pk=purged["recent_note"].pk)
    case.referral_reason = "Ny text."
    case.save()
    assert Case.objects.get(pk=case.pk).referral_reason == "Ny text."
