"""Tamper evidence (Q3; ADR 0101, 0109): the log verifies untouched and names an altered,
deleted, inserted or reordered row, entry or block, sealed into blocks or not yet; the
PostgreSQL triggers refuse raw changes (L2)."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import blocks, chain, sealer
from audit.models import AccessLog, ChainBlock, ChainEntry
from audit.services import log_read
from casework.models import Note, Transition
from casework.services import note_add, note_correct

on_sqlite = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the PostgreSQL trigger refuses it"
)


@pytest.fixture
def logged(ready_case, coordinator):
    note = note_add(
        case_id=ready_case.pk, text="Samtal om mål.", on=date(2026, 1, 5), by=coordinator
    )
    note_correct(note_id=note.pk, text="Samtal om mål och hälsa.", by=coordinator)
    log_read(user=coordinator, action="case.detail", participant_ids=[ready_case.participant_id])
    return note


@pytest.fixture(params=["sealed", "unsealed"])
def state(request, logged):
    """The same tampering, once after the sealer ran and once before it did."""
    if request.param == "sealed":
        sealer.seal_pending()
    return request.param


def where(state: str) -> str:
    return r"kedjepost \d+" if state == "sealed" else "ej förseglad kedjepost"


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def test_every_journal_and_log_row_gets_an_unsealed_entry(logged):
    kinds = set(ChainEntry.objects.values_list("kind", flat=True))
    assert {"casework.transition", "casework.note", "casework.samrad", "audit.accesslog"} <= kinds
    assert ChainEntry.objects.filter(kind="casework.note").count() == Note.objects.count() == 2
    assert not ChainEntry.objects.filter(block__isnull=False).exists()  # not committed yet


def test_the_sealer_gives_every_entry_its_place_in_one_block(logged):
    count = ChainEntry.objects.count()
    assert sealer.seal_pending() == count
    block = ChainBlock.objects.get()
    assert (block.seq, block.first_seq, block.last_seq, block.count) == (1, 1, count, count)
    entries = list(ChainEntry.objects.order_by("id"))
    assert [e.seq for e in entries] == list(range(1, count + 1))
    assert {e.block_id for e in entries} == {block.pk}
    assert block.merkle_root == blocks.merkle_root([e.hash for e in entries])
    assert sealer.seal_pending() == 0  # nothing left: no empty block
    assert chain.verify() is None


def test_untouched_log_verifies_and_reports_what_waits_for_the_sealer(state, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Hashkedjan stämmer" in out
    assert ("inte förseglade" in out) == (state == "unsealed")


def test_raw_update_of_a_note_is_named(state, logged):
    sql("UPDATE casework_note SET effective_on = %s WHERE id = %s", ["2026-01-04", logged.pk])
    with pytest.raises(CommandError, match=rf"casework.note #{logged.pk} \({where(state)}\)"):
        call_command("verify_audit")


def test_raw_update_of_note_text_is_named(state, logged):
    sql("UPDATE casework_note SET text = 'ändrad' WHERE id = %s", [logged.pk])
    with pytest.raises(CommandError, match=rf"casework.note #{logged.pk}.*text har ändrats"):
        call_command("verify_audit")


def test_deleted_transition_is_named(state):
    first = Transition.objects.order_by("pk").first()
    sql("DELETE FROM casework_transition WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=rf"casework.transition #{first.pk}.*saknas"):
        call_command("verify_audit")


def test_row_inserted_behind_the_log_is_named(state, logged):
    """bulk_create sends no post_save: such a row has no entry and is reported."""
    (sneaked,) = Note.objects.bulk_create(
        [Note(case=logged.case, effective_on=date(2026, 1, 6), text="Inskjuten.")]
    )
    sneaked_pk = sneaked.pk or Note.objects.order_by("-pk").first().pk
    with pytest.raises(CommandError, match=rf"casework.note #{sneaked_pk} \(utan kedjepost\)"):
        call_command("verify_audit")


@on_sqlite
def test_an_entry_rewritten_to_match_an_altered_row_is_named(state, logged):
    """Without AUDIT_CHAIN_KEY the entry's HMAC cannot follow its new digest."""
    sql("UPDATE casework_note SET effective_on = %s WHERE id = %s", ["2026-01-04", logged.pk])
    digest, _content = chain.row_digests(Note.objects.get(pk=logged.pk))
    sql("UPDATE audit_chainentry SET digest = %s WHERE kind = 'casework.note' AND object_id = %s",
        [digest, logged.pk])  # fmt: skip
    with pytest.raises(CommandError, match=rf"#{logged.pk} \({where(state)}\).*hash stämmer inte"):
        call_command("verify_audit")


@on_sqlite
def test_a_forged_entry_for_an_inserted_row_is_named(state, logged):
    (sneaked,) = Note.objects.bulk_create(
        [Note(case=logged.case, effective_on=date(2026, 1, 6), text="Inskjuten.")]
    )
    sneaked = Note.objects.order_by("-pk").first()
    digest, content = chain.row_digests(sneaked)
    sql("INSERT INTO audit_chainentry (kind, object_id, digest, content_digest, hash, at) "
        "VALUES ('casework.note', %s, %s, %s, %s, %s)",
        [sneaked.pk, digest, content, "f" * 64, "2026-01-06 10:00"])  # fmt: skip
    with pytest.raises(CommandError, match=rf"#{sneaked.pk} \(ej förseglad.*hash stämmer inte"):
        call_command("verify_audit")


@on_sqlite
def test_a_deleted_sealed_entry_leaves_a_gap(logged):
    sealer.seal_pending()
    sql("DELETE FROM audit_chainentry WHERE kind = 'casework.samrad'")
    with pytest.raises(CommandError, match="kedjan har en lucka efter post"):
        call_command("verify_audit")


@on_sqlite
def test_a_deleted_unsealed_entry_leaves_its_row_outside_the_log(logged):
    samrad = ChainEntry.objects.get(kind="casework.samrad")
    sql("DELETE FROM audit_chainentry WHERE id = %s", [samrad.pk])
    with pytest.raises(CommandError, match=rf"casework.samrad #{samrad.object_id} \(utan"):
        call_command("verify_audit")


@on_sqlite
def test_reordered_sealed_entries_break_the_merkle_root(logged):
    sealer.seal_pending()
    first, second = ChainEntry.objects.order_by("seq")[:2]
    sql("UPDATE audit_chainentry SET seq = 1000000000 WHERE id = %s", [first.pk])
    sql("UPDATE audit_chainentry SET seq = %s WHERE id = %s", [first.seq, second.pk])
    sql("UPDATE audit_chainentry SET seq = %s WHERE id = %s", [second.seq, first.pk])
    with pytest.raises(CommandError, match="block 1: Merkleroten stämmer inte"):
        call_command("verify_audit")


@on_sqlite
def test_a_sealed_entry_moved_back_to_unsealed_is_named(logged):
    sealer.seal_pending()
    newest = ChainEntry.objects.order_by("-seq").first()
    sql("UPDATE audit_chainentry SET seq = NULL, block_id = NULL WHERE id = %s", [newest.pk])
    with pytest.raises(CommandError, match=r"block 1 saknar poster"):
        call_command("verify_audit")


@on_sqlite
def test_the_newest_entry_cut_from_its_block_is_named(logged):
    sealer.seal_pending()
    newest = ChainEntry.objects.order_by("-seq").first()
    sql("DELETE FROM audit_chainentry WHERE id = %s", [newest.pk])
    sql("DELETE FROM audit_accesslog WHERE id = %s", [newest.object_id])
    with pytest.raises(CommandError, match=rf"block 1 saknar poster efter post {newest.seq - 1}"):
        call_command("verify_audit")


@on_sqlite
def test_a_rewritten_block_is_named(logged, coordinator):
    sealer.seal_pending()
    log_read(user=coordinator, action="case.detail", participant_ids=[1])
    sealer.seal_pending()
    sql("UPDATE audit_chainblock SET sealed_at = %s WHERE seq = 1", ["2026-01-01 00:00"])
    with pytest.raises(CommandError, match="block 1: blockets hash stämmer inte"):
        call_command("verify_audit")


@on_sqlite
def test_raw_update_of_an_access_log_row_is_named(state):
    row = AccessLog.objects.get()
    sql("UPDATE audit_accesslog SET action = 'x' WHERE id = %s", [row.pk])
    assert str(chain.verify()).startswith(f"audit.accesslog #{row.pk}")


@on_sqlite
def test_an_unsealed_entry_deleted_with_its_row_is_not_seen_by_the_log_alone(logged):
    """The limit ADR 0109 names: before sealing, an entry and its row can vanish together
    (the sealer's window, <= 2 s); PostgreSQL's triggers refuse it to the application role."""
    read = ChainEntry.objects.get(kind="audit.accesslog")
    sql("DELETE FROM audit_chainentry WHERE id = %s", [read.pk])
    sql("DELETE FROM audit_accesslog WHERE id = %s", [read.object_id])
    assert chain.verify() is None


@pytest.mark.postgres
def test_raw_changes_are_refused_on_postgresql(state):
    row = AccessLog.objects.get()
    entry = ChainEntry.objects.get(kind="audit.accesslog")
    refused = [
        ("UPDATE audit_accesslog SET action = 'x' WHERE id = %s", row.pk),
        ("DELETE FROM audit_accesslog WHERE id = %s", row.pk),
        ("UPDATE audit_chainentry SET digest = 'x' WHERE id = %s", entry.pk),
        ("DELETE FROM audit_chainentry WHERE id = %s", entry.pk),
    ]
    if state == "sealed":
        refused += [
            ("UPDATE audit_chainblock SET merkle_root = 'x' WHERE seq = %s", 1),
            ("DELETE FROM audit_chainblock WHERE seq = %s", 1),
        ]
    for statement, pk in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement, [pk])
    assert chain.verify() is None


@pytest.mark.postgres
def test_a_sealed_entry_cannot_be_sealed_again_on_postgresql(state):
    entry = ChainEntry.objects.order_by("id").first()
    if state == "unsealed":
        sealer.seal_pending()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("UPDATE audit_chainentry SET seq = 999 WHERE id = %s", [entry.pk])


def test_an_access_log_row_is_never_committed_without_its_entry(
    coordinator, ready_case, monkeypatch
):
    """The entry's insert fails (its hash NOT NULL): on PostgreSQL in the row's own
    statement, on SQLite after the row's insert in the same transaction."""
    monkeypatch.setattr(chain.blocks, "entry_hash", lambda *args: None)
    before = AccessLog.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        log_read(
            user=coordinator, action="case.detail", participant_ids=[ready_case.participant_id]
        )
    assert AccessLog.objects.count() == before


def test_rows_logged_in_bulk_verify_like_rows_logged_one_by_one(logged, coordinator):
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
    assert chain.verify() is not None  # no entries yet: named as missing
    chain.append_rows(notes)
    assert chain.verify() is None
    sealer.seal_pending()
    assert chain.verify() is None
    links = ChainEntry.objects.order_by("-seq")[:3]
    assert [e.object_id for e in reversed(links)] == [n.pk for n in notes]
    sql("UPDATE casework_note SET effective_on = %s WHERE id = %s", ["2026-02-01", notes[1].pk])
    assert str(chain.verify()).startswith(f"casework.note #{notes[1].pk}")


@pytest.mark.parametrize("at_whole_second", [False, True])
def test_an_access_log_row_digested_as_written_matches_it_read_back(
    coordinator, at_whole_second, monkeypatch
):
    """`append_row` skips reading an access-log row back (AS_WRITTEN): its digests must be
    those of the stored row on each engine, with awkward values too."""
    if at_whole_second:
        from django.utils import timezone

        whole = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: whole)
    rows = [
        log_read(
            user=coordinator,
            action="case.caseload",
            participant_ids=[9, 3, 3, 2**31 - 1],
            route="/ärenden/?q=\"Åsa\" 'Ö'&sida=2%20",
            filter_description='namn innehåller "Åsa"\\n\ttab, emoji 🙂',
        ),
        log_read(user=None, operator="drift", action="export", participant_ids=[]),
    ]
    for row in rows:
        entry = ChainEntry.objects.get(kind="audit.accesslog", object_id=row.pk)
        stored = AccessLog.objects.get(pk=row.pk)
        assert (entry.digest, entry.content_digest) == chain.row_digests(stored)
    assert chain.verify() is None
    sealer.seal_pending()
    assert chain.verify() is None
