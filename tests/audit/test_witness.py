"""Chain tail truncation (issue 17 item 7): the head is witnessed outside the database,
and `verify_audit` refuses a chain cut behind a witnessed head (ADR 0101)."""

import json
from datetime import date

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit import chain, witness
from audit.models import ChainEntry
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
    """A chain whose newest links are notes and reads, its head witnessed."""
    for n in range(3):
        note_add(case_id=ready_case.pk, text=f"Samtal {n}.", on=date(2026, 1, 5), by=coordinator)
        log_read(
            user=coordinator, action="case.detail", participant_ids=[ready_case.participant_id]
        )
    call_command("anchor_audit")
    return ready_case


def cut_tail(n: int) -> None:
    """What an insider with database access does: delete the newest n links and their rows
    (on PostgreSQL past the append-only triggers, as a superuser can)."""
    newest = list(ChainEntry.objects.order_by("-seq")[:n])
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for entry in newest:
            table = apps.get_model(entry.kind)._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.object_id])
            cursor.execute("DELETE FROM audit_chainentry WHERE id = %s", [entry.pk])


def test_a_witnessed_untouched_chain_verifies(anchored, witness_file, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Hashkedjan stämmer" in out and "vittnat" in out
    lines = [json.loads(line) for line in witness_file.read_text().splitlines()]
    head = ChainEntry.objects.order_by("-seq").first()
    assert lines[-1]["seq"] == head.seq and lines[-1]["hash"] == head.hash
    assert set(lines[-1]) == {"seq", "hash", "at", "mac"}


@pytest.mark.parametrize("n", [1, 4])
def test_cutting_the_newest_links_and_their_rows_is_detected(anchored, n):
    head = ChainEntry.objects.order_by("-seq").first().seq
    cut_tail(n)
    assert ChainEntry.objects.order_by("-seq").first().seq == head - n
    mismatch = chain.verify()
    assert isinstance(mismatch, chain.WitnessMismatch)
    assert f"vittnet såg post {head}" in str(mismatch)
    with pytest.raises(CommandError, match=f"avkortad.*slutar vid post {head - n}"):
        call_command("verify_audit")


def test_a_cut_tail_written_over_with_new_links_is_detected(anchored, coordinator):
    head = ChainEntry.objects.order_by("-seq").first().seq
    cut_tail(2)
    for _ in range(3):  # the chain grows past the witnessed head again
        log_read(user=coordinator, action="case.detail", participant_ids=[1])
    assert ChainEntry.objects.order_by("-seq").first().seq > head
    with pytest.raises(CommandError, match=f"kedjepost {head} är inte den som vittnet såg"):
        call_command("verify_audit")


def test_a_forged_witness_line_is_refused(anchored, witness_file):
    line = json.loads(witness_file.read_text().splitlines()[-1])
    line["seq"] = 1
    with witness_file.open("a") as out:
        out.write(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="vittnesrad 2 är förfalskad"):
        call_command("verify_audit")


def test_a_chain_emptied_behind_its_witness_is_detected(anchored):
    cut_tail(ChainEntry.objects.count())
    with pytest.raises(CommandError, match=r"avkortad.*slutar vid post 0"):
        call_command("verify_audit")


def test_anchor_audit_refuses_without_a_witness(settings):
    settings.AUDIT_WITNESS_PATH = ""
    with pytest.raises(CommandError, match="Inget vittne"):
        call_command("anchor_audit")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseeded")
def test_every_nth_link_is_anchored_after_commit_and_never_before(witness_file, settings):
    from tests.factories import UserFactory

    settings.AUDIT_WITNESS_EVERY = 2
    user = UserFactory()
    with transaction.atomic():
        for n in range(3):
            log_read(user=user, action="case.detail", participant_ids=[n])
        transaction.set_rollback(True)
    assert witness.read() == ([], [])  # a rolled-back head is never witnessed
    for n in range(5):
        log_read(user=user, action="case.detail", participant_ids=[n])
    anchors, problems = witness.read()
    assert problems == []
    assert [a.seq for a in anchors] == [2, 4]
    assert chain.verify() is None
