"""Chain tail truncation (issue 17 item 7, issue 15): the newest sealed block is witnessed
outside the database, and `verify_audit` refuses a log cut behind it (ADR 0101, 0109)."""

import json
from datetime import date

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit import chain, sealer, witness
from audit.models import ChainBlock, ChainEntry
from audit.services import log_read
from casework.services import note_add


@pytest.fixture
def witness_file(settings, tmp_path):
    settings.AUDIT_WITNESS_PATH = str(tmp_path / "var" / "audit-witness.log")
    settings.AUDIT_WITNESS_EVERY = 1000
    settings.AUDIT_WITNESS_SECONDS = 3600
    return tmp_path / "var" / "audit-witness.log"


@pytest.fixture
def anchored(witness_file, ready_case, coordinator):
    """A log whose newest blocks hold notes and reads, one block each, its head witnessed."""
    sealer.seal_pending()
    for n in range(3):
        note_add(case_id=ready_case.pk, text=f"Samtal {n}.", on=date(2026, 1, 5), by=coordinator)
        sealer.seal_pending()
        log_read(
            user=coordinator, action="case.detail", participant_ids=[ready_case.participant_id]
        )
        sealer.seal_pending()
    call_command("anchor_audit")
    return ready_case


def head_block() -> int:
    return ChainBlock.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def cut_tail(n: int) -> None:
    """What an insider with database access does: delete the newest n blocks with their
    entries and rows (on PostgreSQL past the append-only triggers, as a superuser can)."""
    newest = list(ChainBlock.objects.order_by("-seq")[:n])
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for entry in ChainEntry.objects.filter(block__in=newest):
            table = apps.get_model(entry.kind)._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.object_id])
            cursor.execute("DELETE FROM audit_chainentry WHERE id = %s", [entry.pk])
        for block in newest:
            cursor.execute("DELETE FROM audit_chainblock WHERE id = %s", [block.pk])


def test_a_witnessed_untouched_chain_verifies(anchored, witness_file, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Hashkedjan stämmer" in out and "vittnat" in out
    lines = [json.loads(line) for line in witness_file.read_text().splitlines()]
    head = ChainBlock.objects.order_by("-seq").first()
    assert lines[-1]["block"] == head.seq and lines[-1]["hash"] == head.hash
    assert set(lines[-1]) == {"block", "hash", "at", "mac"}


@pytest.mark.parametrize("n", [1, 4])
def test_cutting_the_newest_blocks_and_their_rows_is_detected(anchored, n):
    head = head_block()
    cut_tail(n)
    assert head_block() == head - n
    mismatch = chain.verify()
    assert isinstance(mismatch, chain.WitnessMismatch)
    assert f"vittnet såg block {head}" in str(mismatch)
    with pytest.raises(CommandError, match=f"avkortad.*slutar vid block {head - n}"):
        call_command("verify_audit")


def test_a_cut_tail_written_over_with_new_blocks_is_detected(anchored, coordinator):
    head = head_block()
    cut_tail(2)
    for _ in range(3):  # the log grows past the witnessed head again
        log_read(user=coordinator, action="case.detail", participant_ids=[1])
        sealer.seal_pending()
    assert head_block() > head
    with pytest.raises(CommandError, match=f"block {head} är inte det som vittnet såg"):
        call_command("verify_audit")


def test_a_forged_witness_line_is_refused(anchored, witness_file):
    line = json.loads(witness_file.read_text().splitlines()[-1])
    line["block"] = 1
    with witness_file.open("a") as out:
        out.write(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="vittnesrad 2 är förfalskad"):
        call_command("verify_audit")


def test_a_chain_emptied_behind_its_witness_is_detected(anchored):
    cut_tail(ChainBlock.objects.count())
    with pytest.raises(CommandError, match=r"avkortad.*slutar vid block 0"):
        call_command("verify_audit")


def test_a_line_from_before_the_blocks_still_shows_a_cut(anchored, witness_file):
    """ADR 0101 lines witnessed link seqs; 0109 kept them, so a count above the sealed
    entries is a cut log."""
    sealed = ChainEntry.objects.filter(seq__isnull=False).count()
    at = "2026-11-30T10:00:00+00:00"
    old = {"seq": sealed + 1, "hash": "a" * 64, "at": at}
    old["mac"] = witness._mac(sealed + 1, "a" * 64, at, "witness")
    with witness_file.open("a") as out:
        out.write(json.dumps(old) + "\n")
    with pytest.raises(CommandError, match=f"vittnet såg post {sealed + 1}.*slutar vid post"):
        call_command("verify_audit")
    cut = json.dumps(old).replace(str(sealed + 1), "1", 1)
    witness_file.write_text(witness_file.read_text().replace(json.dumps(old), cut))
    with pytest.raises(CommandError, match="förfalskad"):  # the seq is under the MAC
        call_command("verify_audit")


def test_anchor_audit_refuses_without_a_witness(settings):
    settings.AUDIT_WITNESS_PATH = ""
    with pytest.raises(CommandError, match="Inget vittne"):
        call_command("anchor_audit")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseeded")
def test_every_nth_block_is_anchored_after_commit_and_never_before(witness_file, settings):
    from tests.factories import UserFactory

    settings.AUDIT_WITNESS_EVERY = 2
    user = UserFactory()
    with transaction.atomic():
        for n in range(3):
            log_read(user=user, action="case.detail", participant_ids=[n])
        transaction.set_rollback(True)
    assert witness.read() == ([], [])  # a rolled-back head is never witnessed
    for n in range(5):  # each commit is sealed after it, into a block of its own
        log_read(user=user, action="case.detail", participant_ids=[n])
    anchors, problems = witness.read()
    assert problems == []
    assert [a.seq for a in anchors] == [2, 4]
    assert chain.verify() is None
