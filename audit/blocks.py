"""The hashes of the sealed audit log: entries, Merkle tree heads and blocks (ADR 0109).

Pure functions of their arguments and `AUDIT_CHAIN_KEY`, shared by the sealer, `verify`
and the migration that sealed the per-link chain of ADR 0101 into blocks.

- An entry's hash is HMAC(key, "entry|kind|object_id|digest|content_digest"): someone
  with database access but not the key can neither change an entry's digests nor forge
  an entry for a row they inserted, sealed or not.
- A block's Merkle root is the RFC 6962 (Certificate Transparency) tree head over its
  entries' hashes in seq order: leaves SHA-256(0x00 | hash), nodes
  SHA-256(0x01 | left | right), split at the largest power of two below the size.
- A block's hash is HMAC(key, "block|seq|prev_hash|merkle_root|first_seq|last_seq|
  count|sealed_at"), chained from GENESIS.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from .models import ChainBlock

GENESIS = "0" * 64


def key() -> bytes:
    return getattr(settings, "AUDIT_CHAIN_KEY", settings.SECRET_KEY).encode()


def _hmac(message: str) -> str:
    return hmac.new(key(), message.encode(), hashlib.sha256).hexdigest()


def entry_hash(kind: str, object_id: int, digest: str, content: str) -> str:
    return _hmac(f"entry|{kind}|{object_id}|{digest}|{content}")


def _tree(leaves: Sequence[bytes]) -> bytes:
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1 << ((len(leaves) - 1).bit_length() - 1)  # largest power of two < n
    return hashlib.sha256(b"\x01" + _tree(leaves[:split]) + _tree(leaves[split:])).digest()


def merkle_root(hashes: Sequence[str]) -> str:
    """The RFC 6962 tree head over hex entry hashes, in order; the empty tree's is H("")."""
    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    return _tree([bytes.fromhex(h) for h in hashes]).hex()


def stamp(at: datetime) -> str:
    """A database-independent text of the sealing time (UTC, microseconds)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def block_hash(
    *, seq: int, prev_hash: str, root: str, first_seq: int, last_seq: int, count: int, at: datetime
) -> str:
    return _hmac(f"block|{seq}|{prev_hash}|{root}|{first_seq}|{last_seq}|{count}|{stamp(at)}")


def hash_of(block: ChainBlock) -> str:
    """The hash a block's own fields give: what the sealer stores and `verify` expects."""
    return block_hash(
        seq=block.seq,
        prev_hash=block.prev_hash,
        root=block.merkle_root,
        first_seq=block.first_seq,
        last_seq=block.last_seq,
        count=block.count,
        at=block.sealed_at,
    )
