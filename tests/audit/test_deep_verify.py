"""What the board's numbers rest on (issue 17 item 8): `verify_audit --deep` recomputes
the projections from the journal and names a raw change of any of them; gender and
skyddad identitet are journaled, chained facts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection

from audit import chain
from audit.models import SecurityEvent
from casework.identity import participant_set_gender, participant_set_protection
from casework.models import Participant, ParticipantFact, Spell
from casework.services import case_exit, case_start_insats
from programmes.models import Unit
from referrals.importing.applier import run_import
from referrals.importing.generator import generate
from referrals.importing.writer import to_csv


@pytest.fixture
def exited(ready_case, coordinator):
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 1, 5), by=coordinator)
    case_exit(case_id=ready_case.pk, on=date(2026, 2, 2), reason_code="AVBROTT", by=coordinator)
    return ready_case


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def deep_refusal() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit", "--deep")
    return str(refused.value)


def test_an_untouched_database_passes_the_deep_check(exited, capsys):
    call_command("verify_audit", "--deep")
    assert "Projektionerna stämmer med journalen" in capsys.readouterr().out


def test_a_new_person_has_a_chained_fact_per_field(exited):
    facts = ParticipantFact.objects.filter(participant=exited.participant_id)
    assert sorted(facts.values_list("field", "value")) == [
        ("gender", "K"),
        ("skyddad_identitet", "0"),
    ]
    assert chain.verify() is None


def test_a_raw_update_of_a_spell_exit_reason_is_named(exited):
    raw("UPDATE casework_spell SET exit_reason = 'ARBETE' WHERE case_id = %s", [exited.pk])
    call_command("verify_audit")  # the chain alone does not see it
    assert f"casework_spell: ärende {exited.pk} stämmer inte" in deep_refusal()


def test_a_raw_update_of_the_case_state_is_named(exited):
    raw("UPDATE casework_case SET state = 'jobbsok', exit_reason = '' WHERE id = %s", [exited.pk])
    assert f"ärende {exited.pk}: status" in deep_refusal()


@pytest.mark.parametrize(
    ("sql", "field"),
    [
        ("UPDATE casework_participant SET gender = 'M' WHERE id = %s", "kön"),
        ("UPDATE casework_participant SET skyddad_identitet = %s WHERE id = %s", "skyddad"),
    ],
)
def test_a_raw_update_of_gender_or_protection_is_named(exited, sql, field):
    params = [exited.participant_id] if "gender" in sql else [True, exited.participant_id]
    raw(sql, params)
    assert f"deltagare {exited.participant_id}: {field}" in deep_refusal()


def test_a_raw_update_of_a_journaled_fact_breaks_the_chain(exited):
    fact = ParticipantFact.objects.filter(field="gender").first()
    raw("UPDATE casework_participantfact SET value = 'M' WHERE id = %s", [fact.pk])
    assert str(chain.verify()).startswith(f"casework.participantfact #{fact.pk}")


def test_the_services_journal_a_change_and_the_deep_check_passes(exited, coordinator):
    pid = exited.participant_id
    participant_set_protection(participant_id=pid, protected=True, by=coordinator)
    participant_set_gender(participant_id=pid, gender="X", by=coordinator)
    person = Participant.objects.get(pk=pid)
    assert (person.gender, person.skyddad_identitet) == ("X", True)
    assert set(Spell.objects.filter(case=exited).values_list("gender", flat=True)) == {"X"}
    assert ParticipantFact.objects.filter(participant=pid).count() == 4
    assert SecurityEvent.objects.filter(object_ref=f"participant:{pid}").exists()
    call_command("verify_audit", "--deep")


def test_a_coach_may_not_change_protection_and_nothing_is_written(exited, coach):
    before = ParticipantFact.objects.count()
    with pytest.raises(PermissionDenied):
        participant_set_protection(participant_id=exited.participant_id, protected=True, by=coach)
    assert ParticipantFact.objects.count() == before
    assert not Participant.objects.get(pk=exited.participant_id).skyddad_identitet


@pytest.mark.django_db
def test_an_imported_history_passes_the_deep_check(capsys):
    data = to_csv(generate(persons=40, seed=8, until=date(2026, 11, 23)))
    result = run_import(data, filename="deep.csv", unit=Unit.objects.get(code="sikta-sodra"))
    assert result.ok, result.errors[:5]
    assert ParticipantFact.objects.count() == 2 * Participant.objects.count()
    call_command("verify_audit", "--deep")
    assert "Projektionerna stämmer" in capsys.readouterr().out
