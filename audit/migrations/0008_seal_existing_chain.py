"""Seal the per-link chain of ADR 0101 into blocks (issue 15 item 2; docs/adr/0109).

First the old chain is checked link by link (prev_hash and the HMAC of every link, the
0101 definition), so a chain that was already broken is refused here and not laundered
into valid blocks: the migration stops, naming the link, and the operator investigates
with the previous release's `verify_audit`. Then every link gets the entry hash of 0109
(its digests are kept: the rows are still checked against them) and the links are
sealed, in their seq order and keeping their seqs, into blocks of BLOCK entries. The
append-only trigger of 0003 on the entries is replaced by one that allows only the
sealing update (seq and block, once); the blocks get the append-only trigger.

Like casework.0008, this uses the live hash definitions (`audit.blocks`), so the hashes
have one definition; the models are the frozen ones.
"""

import hashlib
import hmac

from django.db import migrations

BLOCK = 5000

SEAL_ONLY = """
CREATE OR REPLACE FUNCTION audit_chain_seal_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.block_id IS NULL AND OLD.seq IS NULL
       AND NEW.block_id IS NOT NULL AND NEW.seq IS NOT NULL
       AND NEW.id = OLD.id AND NEW.kind = OLD.kind AND NEW.object_id = OLD.object_id
       AND NEW.digest = OLD.digest AND NEW.content_digest = OLD.content_digest
       AND NEW.hash = OLD.hash AND NEW.at = OLD.at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _old_link_hash(key: bytes, prev: str, entry) -> str:
    message = f"{prev}|{entry.kind}|{entry.object_id}|{entry.digest}|{entry.content_digest}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _check_old_chain(entries, blocks) -> None:
    prev, seq = blocks.GENESIS, 0
    for entry in entries:
        seq += 1
        if entry.seq != seq or entry.prev_hash != prev:
            raise RuntimeError(f"Kedjan bryts före post {entry.seq}: migreringen avbryts.")
        if entry.hash != _old_link_hash(blocks.key(), prev, entry):
            raise RuntimeError(f"Kedjepost {entry.seq} stämmer inte: migreringen avbryts.")
        prev = entry.hash


def _seal(ChainEntry, ChainBlock, entries, blocks, at) -> None:
    prev = blocks.GENESIS
    for n, start in enumerate(range(0, len(entries), BLOCK), start=1):
        part = entries[start : start + BLOCK]
        for entry in part:
            entry.hash = blocks.entry_hash(
                entry.kind, entry.object_id, entry.digest, entry.content_digest
            )
        fields = {
            "seq": n,
            "prev_hash": prev,
            "root": blocks.merkle_root([e.hash for e in part]),
            "first_seq": part[0].seq,
            "last_seq": part[-1].seq,
            "count": len(part),
            "at": at,
        }
        block = ChainBlock.objects.create(
            hash=blocks.block_hash(**fields),
            merkle_root=fields.pop("root"),
            sealed_at=fields.pop("at"),
            **fields,
        )
        for entry in part:
            entry.block = block
        ChainEntry.objects.bulk_update(part, ["hash", "block"], batch_size=1000)
        prev = block.hash


def forwards(apps, schema_editor):
    from django.utils import timezone

    from audit import blocks

    ChainEntry = apps.get_model("audit", "ChainEntry")
    ChainBlock = apps.get_model("audit", "ChainBlock")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_chainentry_append_only ON audit_chainentry;"
        )
    entries = list(ChainEntry.objects.order_by("seq"))
    _check_old_chain(entries, blocks)
    _seal(ChainEntry, ChainBlock, entries, blocks, timezone.now())
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")  # the deferred FK checks, now
        schema_editor.execute(SEAL_ONLY, params=None)
        schema_editor.execute(
            "CREATE TRIGGER audit_chainentry_seal_only BEFORE UPDATE OR DELETE "
            "ON audit_chainentry FOR EACH ROW EXECUTE FUNCTION audit_chain_seal_only();"
        )
        schema_editor.execute(
            "CREATE TRIGGER audit_chainblock_append_only BEFORE UPDATE OR DELETE "
            "ON audit_chainblock FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_chain_blocks")]
    # Not reversible: the per-link hashes are replaced (ADR 0109).
    operations = [migrations.RunPython(forwards)]
