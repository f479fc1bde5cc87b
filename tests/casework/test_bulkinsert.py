"""casework.bulkinsert: the import's lean INSERT writes what bulk_create would, ids in order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ChainBlock, ChainEntry
from casework import bulkinsert


def _entry(n: int, **fields) -> ChainEntry:
    return ChainEntry(
        kind="test.row", object_id=n, digest=f"{n:064x}", hash=f"{n + 1:064x}", **fields
    )


@pytest.mark.django_db
def test_new_rows_get_their_ids_in_order_and_are_stored_as_given(monkeypatch):
    monkeypatch.setattr(bulkinsert, "MAX_ROWS", 7)  # several statements
    at = timezone.now() - timedelta(days=3)
    rows = [_entry(n, content_digest="c" * (n % 2), at=at) for n in range(1, 31)]

    bulkinsert.insert(ChainEntry, rows)

    assert all(r.pk is not None and not r._state.adding for r in rows)
    assert [r.pk for r in rows] == sorted(r.pk for r in rows)
    stored = {e.pk: e for e in ChainEntry.objects.filter(kind="test.row")}
    assert len(stored) == 30
    for row in rows:
        got = stored[row.pk]
        assert (got.object_id, got.digest, got.content_digest, got.hash, got.at) == (
            row.object_id,
            row.digest,
            row.content_digest,
            row.hash,
            at,
        )
        assert got.seq is None and got.block_id is None


@pytest.mark.django_db
def test_a_parent_saved_after_it_was_assigned_gives_its_id_and_an_unsaved_one_is_refused():
    block = ChainBlock(seq=1, first_seq=1, last_seq=1, count=1, merkle_root="m", prev_hash="p")
    block.hash, block.sealed_at = "h", timezone.now()
    row = _entry(1, seq=1, block=block)
    with pytest.raises(ValueError, match="block"):
        bulkinsert.insert(ChainEntry, [row])
    assert not ChainEntry.objects.filter(kind="test.row").exists()

    bulkinsert.insert(ChainBlock, [block])
    bulkinsert.insert(ChainEntry, [row])

    assert ChainEntry.objects.get(pk=row.pk).block_id == block.pk


@pytest.mark.django_db
def test_a_row_with_its_id_set_goes_through_bulk_create():
    row = _entry(5)
    row.pk = 987_654
    bulkinsert.insert(ChainEntry, [row])
    assert ChainEntry.objects.get(pk=987_654).object_id == 5


@pytest.mark.django_db
def test_values_without_instances_get_the_other_fields_defaults():
    before = timezone.now()
    bulkinsert.insert_values(
        ChainEntry,
        ["kind", "object_id", "digest", "hash"],
        [("test.row", n, f"{n:064x}", f"{n + 1:064x}") for n in (3, 4)],
    )
    stored = list(ChainEntry.objects.filter(kind="test.row").order_by("object_id"))
    assert [e.object_id for e in stored] == [3, 4]
    assert all(e.content_digest == "" and e.at >= before and e.seq is None for e in stored)
    with pytest.raises(ValueError):
        bulkinsert.insert_values(ChainEntry, ["kind", "no_such_field"], [("x", 1)])


@pytest.mark.django_db
def test_awkward_values_are_stored_as_given_on_either_engine():
    """PostgreSQL writes several rows by COPY, whose text format escapes tabs, newlines and
    backslashes itself; NULL, dates, booleans and JSON must come back unchanged too."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from casework.models import Participant, SavedReport

    people = [
        Participant(
            personnummer=f"19900101{n:04d}",
            birth_date=date(1990, 1, 1),
            first_name="Anna\tMaria\\N",
            last_name="Öberg\nÅs \\ \"x\" 'y'" if n else "",
            gender="K",
            skyddad_identitet=bool(n),
        )
        for n in range(3)
    ]
    bulkinsert.insert(Participant, people)
    for person in people:
        stored = Participant.objects.get(pk=person.pk)
        assert (stored.first_name, stored.last_name, stored.skyddad_identitet) == (
            person.first_name,
            person.last_name,
            person.skyddad_identitet,
        )
    user = get_user_model().objects.create(username="copy")
    data = {"IN1": {"K": 3, "M": None}, "text": "tab\there\nnewline \\N"}
    reports = [
        SavedReport(
            period_start=date(2026, 1, 1), period_end=date(2026, 4, 30), data=data,
            saved_by=user, saved_by_label="x", programme_ids=[n],
        )
        for n in (1, 2)
    ]  # fmt: skip
    bulkinsert.insert(SavedReport, reports)
    stored = SavedReport.objects.get(pk=reports[1].pk)
    assert (stored.data, stored.programme_ids, stored.programme_id) == (data, [2], None)


def _log(**fields):
    from audit.models import AccessLog

    return AccessLog(
        at=timezone.now(), operator="test", unit_codes="", action="test.read", route="/x",
        participant_ids=[1, 2], filter_description="", person_count=2, **fields,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_pair_is_one_statement_and_the_second_row_names_the_first():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.models import AccessLog

    log = _log()
    log.pk = bulkinsert.reserved_id(AccessLog)
    entry = _entry(log.pk)
    with CaptureQueriesContext(connection) as queries:
        bulkinsert.insert_pair(log, entry)

    assert len(queries) == 1
    stored = AccessLog.objects.get(pk=log.pk)
    assert (stored.action, stored.participant_ids, stored.at) == ("test.read", [1, 2], log.at)
    assert ChainEntry.objects.get(kind="test.row").object_id == log.pk
    assert not log._state.adding and not entry._state.adding


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_pair_that_fails_writes_neither_row_and_a_first_row_needs_its_key():
    from django.db import IntegrityError, transaction

    from audit.models import AccessLog

    log = _log()
    with pytest.raises(ValueError):
        bulkinsert.insert_pair(log, _entry(1))  # no key reserved
    log.pk = bulkinsert.reserved_id(AccessLog)
    broken = _entry(log.pk)
    broken.digest = None  # NOT NULL
    with pytest.raises(IntegrityError), transaction.atomic():
        bulkinsert.insert_pair(log, broken)
    assert not AccessLog.objects.filter(pk=log.pk).exists()
    assert not ChainEntry.objects.filter(kind="test.row").exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_reserved_keys_are_unique_and_a_forked_worker_takes_its_own(monkeypatch):
    """A hundred keys per process from the sequence; a worker forked from a process that
    holds some must not hand out the same ones (gunicorn forks its workers)."""
    from audit.models import AccessLog

    taken = [bulkinsert.reserved_id(AccessLog) for _ in range(bulkinsert.RESERVE + 5)]
    assert len(set(taken)) == len(taken)
    assert taken == sorted(taken)  # in the sequence's order within a process
    parent_left = bulkinsert._reserved[(bulkinsert.os.getpid(), "default", AccessLog)][:]
    assert parent_left  # the parent holds keys when it forks

    monkeypatch.setattr(bulkinsert.os, "getpid", lambda: -1)
    child = bulkinsert.reserved_id(AccessLog)
    assert child not in parent_left and child > max(parent_left)
    row = _log()
    row.save()  # the sequence's next key is beyond every reserved one
    assert row.pk > child
