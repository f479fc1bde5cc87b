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
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

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
    "casework.coachassignment": ("reason",),
    "audit.accesslog": (),
}
PURGE_KIND = "audit.purge"


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
    stable, content = {}, {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
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
        return ChainEntry.objects.bulk_create(entries, batch_size=2000)


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


def _participant_of(kind: str, obj) -> int | None:
    if kind == "audit.accesslog":
        return None
    return obj.case.participant_id


def _check_entry(entry: ChainEntry, prev: str, purged: set[int]) -> str | None:
    if entry.prev_hash != prev:
        return _("länken pekar inte på föregående post")
    expected = link_hash(prev, entry.kind, entry.object_id, entry.digest, entry.content_digest)
    if entry.hash != expected:
        return _("kedjepostens hash stämmer inte")
    if entry.kind == PURGE_KIND:
        return None
    obj = model_of(entry.kind)._base_manager.filter(pk=entry.object_id).first()
    if obj is None:
        return _("raden saknas (borttagen)")
    digest, content = row_digests(obj)
    if digest != entry.digest:
        return _("radens innehåll har ändrats")
    if content != entry.content_digest and _participant_of(entry.kind, obj) not in purged:
        return _("radens text har ändrats")
    return None


def verify() -> Mismatch | None:
    """The first link or row that does not match, or None when everything verifies."""
    prev = GENESIS
    # Purge links are themselves chained, so they cannot be added without breaking it.
    purged = set(ChainEntry.objects.filter(kind=PURGE_KIND).values_list("object_id", flat=True))
    seen: dict[str, set[int]] = {kind: set() for kind in CHAINED}
    for entry in ChainEntry.objects.order_by("seq").iterator():
        problem = _check_entry(entry, prev, purged)
        if problem:
            return Mismatch(entry.seq, entry.kind, entry.object_id, problem)
        if entry.kind != PURGE_KIND:
            seen[entry.kind].add(entry.object_id)
        prev = entry.hash
    for kind, ids in seen.items():
        stored = set(model_of(kind)._base_manager.values_list("pk", flat=True).iterator())
        if stored - ids:
            return Mismatch(None, kind, min(stored - ids), _("raden finns inte i kedjan"))
    return None
