"""The tamper-evidence hash chain over journal and access-log rows (Q3, R4, C3).

Every saved Transition, Note, other journal row and AccessLog row gets one `ChainEntry`,
appended under a lock so that concurrent writers cannot fork the chain: PostgreSQL takes
`pg_advisory_xact_lock`, SQLite serialises writers with its database write lock. The
row's fields are read back from the database, so the digest matches what `verify` sees.

Purgeable free text (note text, reasons) is digested separately into `content_digest`.
Gallring blanks that text and appends a `purge` link for the person; `verify` then
accepts a changed text for that person's rows only, while every stable field (dates,
states, actor, case, gender-bearing participant id) is still checked (R4).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from . import witness
from .models import ChainEntry

GENESIS = "0" * 64
LOCK_KEY = 7_311_990_001  # the advisory-lock key for chain appends

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


def _key() -> bytes:
    return getattr(settings, "AUDIT_CHAIN_KEY", settings.SECRET_KEY).encode()


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


def link_hash(prev_hash: str, kind: str, object_id: int, digest: str, content: str) -> str:
    message = f"{prev_hash}|{kind}|{object_id}|{digest}|{content}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _append(links: list[tuple[str, int, str, str]]) -> list[ChainEntry]:
    """Append (kind, object id, digest, content digest) links in order, under the lock:
    one head read and one insert, however many links."""
    with transaction.atomic():
        _lock()
        head = ChainEntry.objects.order_by("-seq").only("seq", "hash").first()
        prev = head.hash if head else GENESIS
        seq = head.seq if head else 0
        entries = []
        for kind, object_id, digest, content in links:
            seq += 1
            link = link_hash(prev, kind, object_id, digest, content)
            entries.append(
                ChainEntry(
                    seq=seq,
                    kind=kind,
                    object_id=object_id,
                    digest=digest,
                    content_digest=content,
                    prev_hash=prev,
                    hash=link,
                )
            )
            prev = link
        created = ChainEntry.objects.bulk_create(entries, batch_size=2000)
        if entries:
            witness.appended(entries[0].seq, seq, prev)
        return created


def append_row(obj) -> ChainEntry:
    """Chain a newly saved row, read back from the database."""
    model = type(obj)
    stored = model._base_manager.get(pk=obj.pk)
    return _append([(kind_of(model), stored.pk, *row_digests(stored))])[0]


def append_rows(objs) -> None:
    """Chain rows just written in bulk, in their order.

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

    def __str__(self) -> str:
        where = _("kedjepost %(seq)s") % {"seq": self.seq} if self.seq else _("utan kedjepost")
        return f"{self.kind} #{self.object_id} ({where}): {self.problem}"


class WitnessMismatch(Mismatch):
    """The chain disagrees with a head witnessed outside the database (audit.witness)."""

    def __str__(self) -> str:
        return _("vittnet: %(problem)s") % {"problem": self.problem}


# Links verified per page: one query for the page, one per kind (and chunk) for its rows.
PAGE = 5000


def in_chunks(values: list) -> Iterator[list]:
    """`values` in pieces small enough for one `IN (…)`; SQLite's historical limit is 999."""
    size = 900 if connection.vendor == "sqlite" else PAGE
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _pages() -> Iterator[list[ChainEntry]]:
    """The chain in seq order, by keyset pages (no OFFSET, no server-side cursor)."""
    last = -1
    while True:
        page = list(ChainEntry.objects.filter(seq__gt=last).order_by("seq")[:PAGE])
        if not page:
            return
        yield page
        last = page[-1].seq


def _rows_of(page: list[ChainEntry]) -> dict[tuple[str, int], object]:
    """The stored rows the page's links name, by (kind, id)."""
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


def _check_link(entry: ChainEntry, prev: str, prev_seq: int) -> str | None:
    if entry.prev_hash != prev:
        return _("länken pekar inte på föregående post")
    if entry.seq != prev_seq + 1:  # seq is then the count of links the witness records
        return _("kedjan har en lucka efter post %(seq)s") % {"seq": prev_seq}
    expected = link_hash(prev, entry.kind, entry.object_id, entry.digest, entry.content_digest)
    if entry.hash != expected:
        return _("kedjepostens hash stämmer inte")
    return None


def _check_row(entry: ChainEntry, obj, purged: set[int]) -> str | None:
    if obj is None:
        return _("raden saknas (borttagen)")
    digest, content = row_digests(obj)
    if digest != entry.digest:
        return _("radens innehåll har ändrats")
    if content != entry.content_digest and _participant_of(entry.kind, obj) not in purged:
        return _("radens text har ändrats")
    return None


def _walk(purged: set[int]) -> tuple[Mismatch | None, int]:
    """Check every link and its row, page by page; (first mismatch, head seq)."""
    prev, prev_seq = GENESIS, 0
    for page in _pages():
        rows = _rows_of(page)
        for entry in page:
            problem = _check_link(entry, prev, prev_seq)
            if problem is None and entry.kind != PURGE_KIND:
                problem = _check_row(entry, rows.get((entry.kind, entry.object_id)), purged)
            if problem:
                return Mismatch(entry.seq, entry.kind, entry.object_id, problem), prev_seq
            prev, prev_seq = entry.hash, entry.seq
    return None, prev_seq


def _unchained() -> Mismatch | None:
    """The first row of a chained model without a link (bulk_create, raw SQL)."""
    for kind in CHAINED:
        linked = ChainEntry.objects.filter(kind=kind, object_id=OuterRef("pk"))
        rows = model_of(kind)._base_manager.filter(~Exists(linked)).order_by("pk")
        first = rows.values_list("pk", flat=True).first()
        if first is not None:
            return Mismatch(None, kind, first, _("raden finns inte i kedjan"))
    return None


def verify() -> Mismatch | None:
    """The first link or row that does not match, or None when everything verifies.

    Bounded queries: one per page of PAGE links and one per kind (and chunk) of its
    rows, then one per chained model for rows without a link, then the witness."""
    # Purge links are themselves chained, so they cannot be added without breaking it.
    purged = set(ChainEntry.objects.filter(kind=PURGE_KIND).values_list("object_id", flat=True))
    mismatch, head_seq = _walk(purged)
    if mismatch is None:
        mismatch = _unchained()
    if mismatch is None:
        problems = witness.check(head_seq)
        if problems:
            mismatch = WitnessMismatch(None, "audit.witness", 0, "; ".join(problems))
    return mismatch
