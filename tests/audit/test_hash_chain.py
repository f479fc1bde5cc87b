"""Tamper evidence (Q3): the chain verifies untouched, names a changed row, and holds
under concurrent writers on PostgreSQL; the access log refuses raw changes there (L2)."""

import threading
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from audit import chain
from audit.models import AccessLog, ChainEntry
from audit.services import log_read
from casework.models import Note, Transition
from casework.services import note_add, note_correct
from tests.factories import UserFactory


@pytest.fixture
def logged(ready_case, coordinator):
    note = note_add(
        case_id=ready_case.pk, text="Samtal om mål.", on=date(2026, 1, 5), by=coordinator
    )
    note_correct(note_id=note.pk, text="Samtal om mål och hälsa.", by=coordinator)
    log_read(user=coordinator, action="case.detail", participant_ids=[ready_case.participant_id])
    return note


def test_every_journal_and_log_row_is_chained(logged):
    kinds = set(ChainEntry.objects.values_list("kind", flat=True))
    assert {"casework.transition", "casework.note", "casework.samrad", "audit.accesslog"} <= kinds
    assert ChainEntry.objects.filter(kind="casework.note").count() == Note.objects.count() == 2


def test_untouched_database_verifies(logged, capsys):
    call_command("verify_audit")
    assert "Hashkedjan stämmer" in capsys.readouterr().out


def test_raw_update_of_a_note_is_named(logged):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_note SET effective_on = %s WHERE id = %s", ["2026-01-04", logged.pk]
        )
    with pytest.raises(CommandError, match=rf"casework.note #{logged.pk} \(kedjepost \d+\)"):
        call_command("verify_audit")


def test_raw_update_of_note_text_is_named(logged):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casework_note SET text = 'ändrad' WHERE id = %s", [logged.pk])
    with pytest.raises(CommandError, match=rf"casework.note #{logged.pk}.*text har ändrats"):
        call_command("verify_audit")


def test_deleted_transition_is_named(logged):
    first = Transition.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_transition WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=rf"casework.transition #{first.pk}.*saknas"):
        call_command("verify_audit")


def test_row_inserted_behind_the_chain_is_named(logged):
    """bulk_create sends no post_save: such a row is outside the chain and reported."""
    (sneaked,) = Note.objects.bulk_create(
        [Note(case=logged.case, effective_on=date(2026, 1, 6), text="Inskjuten.")]
    )
    sneaked_pk = sneaked.pk or Note.objects.order_by("-pk").first().pk
    with pytest.raises(CommandError, match=rf"casework.note #{sneaked_pk} \(utan kedjepost\)"):
        call_command("verify_audit")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the PostgreSQL trigger refuses it")
def test_deleted_chain_link_breaks_the_chain(logged):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_chainentry WHERE kind = 'casework.samrad'")
    with pytest.raises(CommandError, match="länken pekar inte på föregående post"):
        call_command("verify_audit")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the PostgreSQL trigger refuses it")
def test_raw_update_of_an_access_log_row_is_named(logged):
    row = AccessLog.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET action = 'x' WHERE id = %s", [row.pk])
    assert str(chain.verify()).startswith(f"audit.accesslog #{row.pk}")


@pytest.mark.postgres
def test_access_log_refuses_raw_update_and_delete_on_postgresql(logged):
    row = AccessLog.objects.get()
    for sql in (
        "UPDATE audit_accesslog SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_accesslog WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    assert chain.verify() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_log_writes_leave_a_verifying_chain():
    user = UserFactory()
    errors = []
    start = threading.Barrier(50)

    def write(n):
        try:
            start.wait()
            log_read(user=user, action="case.detail", participant_ids=[n])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(1, 51)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AccessLog.objects.count() == 50
    assert ChainEntry.objects.filter(kind="audit.accesslog").count() == 50
    assert list(ChainEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, ChainEntry.objects.count() + 1)
    )
    assert chain.verify() is None


def test_an_access_log_row_is_never_committed_without_its_chain_link(
    coordinator, ready_case, monkeypatch
):
    def broken(obj):
        raise DatabaseError("the chain append failed")

    monkeypatch.setattr(chain, "append_row", broken)
    before = AccessLog.objects.count()
    with pytest.raises(DatabaseError):
        log_read(
            user=coordinator, action="case.detail", participant_ids=[ready_case.participant_id]
        )
    assert AccessLog.objects.count() == before


def test_rows_chained_in_bulk_verify_like_rows_chained_one_by_one(logged, coordinator):
    """`append_rows` digests the objects as bulk-inserted; `verify` reads them back."""
    case = logged.case
    notes = [
        Note(
            case=case,
            effective_on=date(2026, 1, 6 + n),
            text=f"Anteckning {n} åäö",
            actor=coordinator,
        )
        for n in range(3)
    ]
    for note in notes:
        note.stamp()
    Note.objects.bulk_create(notes)
    assert chain.verify() is not None  # not chained yet: named as missing
    chain.append_rows(notes)
    assert chain.verify() is None
    links = ChainEntry.objects.order_by("-seq")[:3]
    assert [e.object_id for e in reversed(links)] == [n.pk for n in notes]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_note SET effective_on = %s WHERE id = %s", ["2026-02-01", notes[1].pk]
        )
    assert str(chain.verify()).startswith(f"casework.note #{notes[1].pk}")
