"""The tamper-evidence log over journal and access-log rows (Q3, R4, C3; ADR 0101, 0109).

Every saved Transition, Note, other journal row and AccessLog row gets one `ChainEntry`,
inserted in the writer's transaction WITHOUT any lock: its row's digests and an HMAC over
them (`audit.blocks.entry_hash`). The row's fields are read back from the database, so
the digest matches what `verify` sees (an access-log row, set only by `log_read`, is
digested as written). After commit the sealer (`audit.sealer`) links
the committed entries into the chain in blocks: a Merkle root over the block's entries,
chained to the block before.

Purgeable free text (note text, reasons) is digested separately into `content_digest`.
Gallring blanks that text and appends a `purge` entry for the person; `verify` then
accepts a changed text for that person's rows only, while every stable field (dates,
states, actor, case, gender-bearing participant id) is still checked (R4).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import bulkinsert

from . import blocks, sealer, witness
from .blocks import GENESIS
from .models import ChainBlock, ChainEntry

# kind → purgeable (free text) fields; every other concrete field is in the stable digest.
CHAINED = {
    "casework.transition": ("reason",),
    "casework.note": ("text",),
    "casework.samrad": ("note",),
    "casework.extension": ("reason",),
    "casework.enrolment": (),
    "casework.enrolmentend": (),
    "casework.followup": (),
    "casework.assessment": (),
    "casework.participantfact": (),
    "casework.targetgroupfacts": ("reason",),
    "casework.coachassignment": ("reason",),
    "audit.accesslog": (),
}
PURGE_KIND = "audit.purge"
# Nullable columns added after rows were chained: digested only when set (issue 16).
ADDED_LATER = {"client_id"}


def kind_of(model) -> str:
    return model._meta.label_lower


def model_of(kind: str):
    return apps.get_model(kind)


def _digest(values: dict) -> str:
    payload = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def row_digests(obj) -> tuple[str, str]:
    """(stable digest, content digest) of a row as stored."""
    purgeable = CHAINED[kind_of(type(obj))]
    stable: dict[str, object] = {}
    content: dict[str, object] = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if value is None and field.attname in ADDED_LATER:
            continue  # rows chained before the column existed still verify
        (content if field.name in purgeable else stable)[field.attname] = value
    return _digest(stable), (_digest(content) if purgeable else "")


def _entries(links: list[tuple[str, int, str, str]]) -> list[ChainEntry]:
    return [
        ChainEntry(
            kind=kind,
            object_id=object_id,
            digest=digest,
            content_digest=content,
            hash=blocks.entry_hash(kind, object_id, digest, content),
        )
        for kind, object_id, digest, content in links
    ]


def _append(links: list[tuple[str, int, str, str]]) -> list[ChainEntry]:
    """Insert (kind, object id, digest, content digest) entries, unsealed and without a
    lock, and have them sealed after the writer commits: one insert however many. Inside
    the writer's transaction no savepoint of its own: the entry stands or falls with it."""
    with transaction.atomic(savepoint=False):
        created = _entries(links)
        bulkinsert.insert(ChainEntry, created)  # an import's thousands in few statements
        sealer.queue()
        return created


# Kinds whose every field the application sets with the type the database gives back:
# `log_read` fills an access-log row with a UTC datetime, ids, strings, a sorted list of
# ints and a count. Digested as written, without reading the row back: one query less on
# every read of personal data (issue 15). A test compares both on each engine.
AS_WRITTEN = {"audit.accesslog"}


def append_row(obj) -> ChainEntry:
    """Log a newly saved row, read back from the database (but for AS_WRITTEN kinds)."""
    model = type(obj)
    kind = kind_of(model)
    stored = obj if kind in AS_WRITTEN else model._base_manager.get(pk=obj.pk)
    return _append([(kind, stored.pk, *row_digests(stored))])[0]


def insert_chained(obj) -> None:
    """Insert a new row of an AS_WRITTEN kind with its entry, without the post-save
    receiver: the access-log row of every read (`audit.services.log_read`).

    On PostgreSQL the row's id comes from the process's reserve (`bulkinsert.reserved_id`)
    and row and entry go in one `WITH … INSERT`: one round trip, where BEGIN, the two
    inserts and COMMIT took four (an API read: 1.18–1.24 → 0.98–0.99 ms of CPU in one
    process, PostgreSQL's 0.53–0.67 → 0.50 ms). On SQLite in one transaction (ADR 0114).
    """
    model = type(obj)
    kind = kind_of(model)
    assert kind in AS_WRITTEN, kind
    if connection.vendor != "postgresql":
        with transaction.atomic():
            bulkinsert.insert(model, [obj])
            _append([(kind, obj.pk, *row_digests(obj))])
        return
    obj.pk = bulkinsert.reserved_id(model)
    bulkinsert.insert_pair(obj, _entries([(kind, obj.pk, *row_digests(obj))])[0])
    sealer.queue()


def append_rows(objs) -> None:
    """Log rows just written in bulk (the import), in their order, in one insert.

    The digests are of the objects as written; `bulk_create` gave them their ids, and
    `verify` recomputes the same digests from the stored rows (tests/audit).
    """
    if objs:
        _append([(kind_of(type(obj)), obj.pk, *row_digests(obj)) for obj in objs])


def append_purge(participant_id: int) -> ChainEntry:
    return _append([(PURGE_KIND, participant_id, _digest({"participant": participant_id}), "")])[0]


@dataclass
class Mismatch:
    seq: int | None
    kind: str
    object_id: int
    problem: str
    unsealed: bool = False

    def __str__(self) -> str:
        if self.seq:
            where = _("kedjepost %(seq)s") % {"seq": self.seq}
        elif self.unsealed:
            where = _("ej förseglad kedjepost")
        else:
            where = _("utan kedjepost")
        return f"{self.kind} #{self.object_id} ({where}): {self.problem}"


class WitnessMismatch(Mismatch):
    """The chain disagrees with a head witnessed outside the database (audit.witness)."""

    def __str__(self) -> str:
        return _("vittnet: %(problem)s") % {"problem": self.problem}


# Entries (or blocks) verified per page: one query for the page, one per kind (and
# chunk) for its rows.
PAGE = 5000


def in_chunks(values: list) -> Iterator[list]:
    """`values` in pieces small enough for one `IN (…)`; SQLite's historical limit is 999."""
    size = 900 if connection.vendor == "sqlite" else PAGE
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _keyset(queryset, field: str) -> Iterator[list]:
    """`queryset` in `field` order, by keyset pages (no OFFSET, no server-side cursor)."""
    last = -1
    while True:
        page = list(queryset.filter(**{f"{field}__gt": last}).order_by(field)[:PAGE])
        if not page:
            return
        yield page
        last = getattr(page[-1], field)


def _rows_of(page: list[ChainEntry]) -> dict[tuple[str, int], object]:
    """The stored rows the page's entries name, by (kind, id)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for entry in page:
        if entry.kind != PURGE_KIND:
            ids[entry.kind].append(entry.object_id)
    rows: dict[tuple[str, int], object] = {}
    for kind, pks in ids.items():
        manager = model_of(kind)._base_manager
        for chunk in in_chunks(pks):
            rows.update(((kind, obj.pk), obj) for obj in manager.filter(pk__in=chunk))
    return rows


def _participant_of(kind: str, obj) -> int | None:
    if kind == "audit.accesslog":
        return None
    participant_id = getattr(obj, "participant_id", None)
    return participant_id if participant_id is not None else obj.case.participant_id


def _check_entry(entry: ChainEntry, rows: dict, purged: set[int]) -> str | None:
    """The entry's own HMAC, then its row as stored."""
    expected = blocks.entry_hash(entry.kind, entry.object_id, entry.digest, entry.content_digest)
    if entry.hash != expected:
        return _("kedjepostens hash stämmer inte")
    if entry.kind == PURGE_KIND:
        return None
    obj = rows.get((entry.kind, entry.object_id))
    if obj is None:
        return _("raden saknas (borttagen)")
    digest, content = row_digests(obj)
    if digest != entry.digest:
        return _("radens innehåll har ändrats")
    if content != entry.content_digest and _participant_of(entry.kind, obj) not in purged:
        return _("radens text har ändrats")
    return None


class _Walk:
    """The sealed entries in seq order against their blocks, block by block."""

    def __init__(self, purged: set[int]) -> None:
        self.purged = purged
        self.blocks = (b for page in _keyset(ChainBlock.objects.all(), "seq") for b in page)
        self.block: ChainBlock | None = None
        self.hashes: list[str] = []
        self.prev_hash, self.seq, self.block_seq = GENESIS, 0, 0

    def run(self) -> Mismatch | None:
        sealed = ChainEntry.objects.filter(seq__isnull=False)
        for page in _keyset(sealed, "seq"):
            rows = _rows_of(page)
            for entry in page:
                problem = self._place(entry) or _check_entry(entry, rows, self.purged)
                problem = problem or self._close(entry)
                if problem:
                    return Mismatch(entry.seq, entry.kind, entry.object_id, problem)
        return self._end()

    def _place(self, entry: ChainEntry) -> str | None:
        """The entry follows the one before, in the block that covers its seq."""
        if entry.seq != self.seq + 1:
            return _("kedjan har en lucka efter post %(seq)s") % {"seq": self.seq}
        if self.block is None:
            self.block = next(self.blocks, None)
            if self.block is None:
                return _("posten ligger utanför varje block")
            if self.block.seq != self.block_seq + 1 or self.block.first_seq != entry.seq:
                return _("block %(n)s börjar inte här") % {"n": self.block.seq}
        if entry.block_id != self.block.pk:
            return _("posten hör inte till block %(n)s") % {"n": self.block.seq}
        self.seq = entry.seq
        self.hashes.append(entry.hash)
        return None

    def _close(self, entry: ChainEntry) -> str | None:
        block = self.block
        if block is None or entry.seq != block.last_seq:
            return None
        self.block, hashes, self.hashes = None, self.hashes, []
        if block.count != len(hashes) or block.prev_hash != self.prev_hash:
            return _("block %(n)s pekar inte på föregående block") % {"n": block.seq}
        if block.merkle_root != blocks.merkle_root(hashes):
            return _("block %(n)s: Merkleroten stämmer inte") % {"n": block.seq}
        expected = blocks.hash_of(block)
        if block.hash != expected:
            return _("block %(n)s: blockets hash stämmer inte") % {"n": block.seq}
        self.prev_hash, self.block_seq = block.hash, block.seq
        return None

    def _end(self) -> Mismatch | None:
        """Every block was closed by its last entry, and no block follows the last one."""
        extra = self.block or next(self.blocks, None)
        if extra is None:
            return None
        problem = _("block %(n)s saknar poster efter post %(seq)s") % {
            "n": extra.seq,
            "seq": self.seq,
        }
        return Mismatch(self.seq or None, "audit.chainblock", extra.seq, problem)


def _unsealed(purged: set[int]) -> Mismatch | None:
    """Entries not yet sealed: their own HMAC and their rows (ADR 0109)."""
    waiting = ChainEntry.objects.filter(Q(block__isnull=True) | Q(seq__isnull=True))
    for page in _keyset(waiting, "id"):
        rows = _rows_of(page)
        for entry in page:
            problem = _check_entry(entry, rows, purged)
            if entry.seq is not None or entry.block_id is not None:
                problem = problem or _("posten har en plats men inget block")
            if problem:
                return Mismatch(None, entry.kind, entry.object_id, problem, unsealed=True)
    return None


def _unchained() -> Mismatch | None:
    """The first row of a logged model without an entry (bulk_create, raw SQL)."""
    for kind in CHAINED:
        linked = ChainEntry.objects.filter(kind=kind, object_id=OuterRef("pk"))
        rows = model_of(kind)._base_manager.filter(~Exists(linked)).order_by("pk")
        first = rows.values_list("pk", flat=True).first()
        if first is not None:
            return Mismatch(None, kind, first, _("raden finns inte i kedjan"))
    return None


@dataclass(frozen=True)
class Status:
    blocks: int
    sealed: int
    unsealed: int
    oldest_unsealed_seconds: float | None


def status() -> Status:
    """How much is sealed, and how many entries (and how old the oldest) wait for the sealer."""
    waiting = ChainEntry.objects.filter(block__isnull=True).aggregate(n=Count("id"), at=Min("at"))
    head = ChainBlock.objects.order_by("-seq").values_list("seq", "last_seq").first() or (0, 0)
    age = (timezone.now() - waiting["at"]).total_seconds() if waiting["at"] else None
    return Status(head[0], head[1], waiting["n"], age)


def verify() -> Mismatch | None:
    """The first entry, block or row that does not match, or None when everything verifies.

    Bounded queries: one per page of PAGE entries (and of blocks) and one per kind (and
    chunk) of its rows, the same for the unsealed entries, then one per logged model for
    rows without an entry, then the witness."""
    # Purge entries carry their HMAC, so they cannot be added without the key.
    purged = set(ChainEntry.objects.filter(kind=PURGE_KIND).values_list("object_id", flat=True))
    checks = (lambda: _Walk(purged).run(), lambda: _unsealed(purged), _unchained)
    for check in checks:
        mismatch = check()
        if mismatch is not None:
            return mismatch
    problems = witness.check()
    if problems:
        return WitnessMismatch(None, "audit.witness", 0, "; ".join(problems))
    return None
