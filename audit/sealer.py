"""The sealer: links committed, unsealed log entries into the chain in blocks (ADR 0109).

Writers insert `ChainEntry` rows without any lock (`audit.chain`). The sealer takes the
entries that are committed and not yet sealed, whatever their ids and whatever order
their transactions committed in, gives them the next seqs in id order, and writes one
`ChainBlock` over them: the Merkle root of their hashes, chained to the block before.
A row whose transaction commits late (a lower id after higher ones were sealed) is not
missed: it is still unsealed, so the next block takes it; the block records exactly
which seqs it covers and every entry records its block.

One sealer at a time: on PostgreSQL `pg_try_advisory_xact_lock`, which never waits (a
busy sealer means the holder or the next run picks the entries up) and is held until
the block commits, so seqs and blocks commit in order; on SQLite the database write
lock serialises, and the unique block seq refuses a fork. The sealer runs

- after each commit that wrote entries (`queue`, once per transaction), unless
  AUDIT_SEAL_AFTER_COMMIT is off because the worker runs as a service, and
- every second in `manage.py seal_audit --loop` (started by `make run`), which bounds
  the unsealed window when after-commit runs find the sealer busy.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from config import worker

from . import blocks, witness
from .models import ChainBlock, ChainEntry

LOCK_KEY = 7_311_990_001  # the advisory-lock key of the sealer
BLOCK_MAX = 5000  # entries per block at most
# What a request seals after its commit, at most: a backlog (an import, a stopped worker)
# is the worker's, so that no request pays for sealing thousands of other entries.
AFTER_COMMIT_MAX = 200
log = logging.getLogger(__name__)


def _try_lock() -> bool:
    """The sealer's lock, and on PostgreSQL an index scan for the waiting entries.

    Sealing an entry leaves its old version in the partial index of unsealed entries
    until vacuum. A bitmap scan (the planner's choice) visits every such dead version
    again on every poll: 40 ms a poll after 112,000 sealed entries at 1,000,000
    participants, growing until autovacuum. A plain index scan marks the dead versions it
    passes, so the next poll skips them (0.05 ms)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        return True


def _block_over(entries: list[ChainEntry]) -> ChainBlock:
    head = ChainBlock.objects.order_by("-seq").only("seq", "last_seq", "hash").first()
    seq, first = (head.seq + 1, head.last_seq + 1) if head else (1, 1)
    block = ChainBlock(
        seq=seq,
        first_seq=first,
        last_seq=first + len(entries) - 1,
        count=len(entries),
        merkle_root=blocks.merkle_root([e.hash for e in entries]),
        prev_hash=head.hash if head else blocks.GENESIS,
        sealed_at=timezone.now(),
    )
    block.hash = blocks.hash_of(block)
    return block


# Entries placed per UPDATE: two parameters each, within SQLite's limit of 32,766.
PLACE_CHUNK = 1000


def _place(entries: list[ChainEntry], block: ChainBlock) -> None:
    """The one update of an entry: its place (seq, block), once (the PostgreSQL trigger of
    migration audit.0007 refuses every other change). One statement per chunk, each entry's
    seq from a VALUES list: Django's `bulk_update` built a CASE expression per entry and
    cost the sealer 0.24 ms of Python per entry; this costs 0.012 ms."""
    table = connection.ops.quote_name(ChainEntry._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(entries), PLACE_CHUNK):
            part = entries[start : start + PLACE_CHUNK]
            params = [block.pk]
            for n, entry in enumerate(part, start):
                params += [entry.pk, block.first_seq + n]
            values = ", ".join(["(%s, %s)"] * len(part))
            cursor.execute(
                f"UPDATE {table} SET block_id = %s, seq = CAST(v.column2 AS bigint) "
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                params,
            )


def seal_block(limit: int | None = None) -> ChainBlock | None:
    """Seal up to `limit` (BLOCK_MAX) committed unsealed entries into one block; None when
    another sealer holds the lock or nothing waits."""
    limit = limit or BLOCK_MAX
    with transaction.atomic():
        if not _try_lock():
            return None
        waiting = ChainEntry.objects.filter(block__isnull=True).order_by("id")
        entries = list(waiting.only("id", "hash")[:limit])
        if not entries:
            return None
        block = _block_over(entries)
        block.save(force_insert=True)
        _place(entries, block)
        witness.sealed(block.seq, block.hash)
        return block


def seal_pending(max_blocks: int | None = None, limit: int | None = None) -> int:
    """Seal the entries committed before the call (up to `max_blocks` blocks of at most
    `limit` entries); the number of entries sealed.

    Stops at the first block that is not full: whatever waits then was committed during
    the call, and is the next round's. A sealer that went on while anything waited never
    rested under a steady load: it sealed a block of a few entries after another, and
    cost 0.6 ms of its own CPU per API read at 1,000,000 participants (466 reads/s), a
    sixth of the machine's CPU per read."""
    limit = limit or BLOCK_MAX
    sealed = blocks_done = 0
    while max_blocks is None or blocks_done < max_blocks:
        block = seal_block(limit)
        if block is None:
            break
        sealed += block.count
        blocks_done += 1
        if block.count < limit:
            break
    return sealed


def _after_commit() -> None:
    try:
        seal_pending(max_blocks=1, limit=AFTER_COMMIT_MAX)
    except DatabaseError:  # a busy SQLite or a lost race: the next run takes the entries
        log.warning("audit sealer: skipped after commit", exc_info=True)


def queue() -> None:
    """Seal once the current transaction commits; once per transaction, however many
    entries it wrote. Outside a transaction Django runs it at once. Not with
    AUDIT_SEAL_AFTER_COMMIT off: then the worker alone seals (a request pays nothing)."""
    if not settings.AUDIT_SEAL_AFTER_COMMIT:
        return
    conn = transaction.get_connection()
    if any(func is _after_commit for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(_after_commit)


def loop(interval: float = 1.0, *, rounds: int | None = None) -> None:
    """Seal every `interval` seconds (`manage.py seal_audit --loop`), `rounds` times."""
    worker.every(interval, seal_pending, name="audit sealer", rounds=rounds)
