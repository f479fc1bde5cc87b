"""The chain head anchored outside the database it protects (issue 17 item 7; ADR 0101).

A witness line is the head of the chain at one moment, `{"seq", "hash", "at", "mac"}`,
appended to the file `AUDIT_WITNESS_PATH` (opened `O_APPEND`, one `write` per line,
fsync'd). The line is HMAC'ed with `AUDIT_CHAIN_KEY`, so someone who can write the file
but has not the key cannot forge a head. `verify` then refuses a chain that is shorter
than a witnessed head, or whose link at a witnessed seq has another hash: the tail cut
that the chain alone cannot show. `seq` is also the count of links, because `verify`
requires the seqs to run 1, 2, … without a gap.

Lines are written after commit: every `AUDIT_WITNESS_EVERY` links, and when this process
has not anchored for `AUDIT_WITNESS_SECONDS`; by `manage.py anchor_audit` (cron) and by a
`verify_audit` that passed. A block sealer (issue 15) anchors its block heads the same
way: `record(seq, hash)` does not care how the head was made.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

_last_anchor = {"seq": 0, "at": time.monotonic()}  # of this process, since its start


def path() -> Path | None:
    configured = getattr(settings, "AUDIT_WITNESS_PATH", None)
    return Path(configured) if configured else None


def _mac(seq: int, head: str, at: str) -> str:
    key = getattr(settings, "AUDIT_CHAIN_KEY", settings.SECRET_KEY).encode()
    return hmac.new(key, f"witness|{seq}|{head}|{at}".encode(), hashlib.sha256).hexdigest()


def record(seq: int, head: str) -> None:
    """Append one signed head line; a no-op when no witness is configured."""
    target = path()
    if target is None:
        return
    at = timezone.now().isoformat()
    line = json.dumps({"seq": seq, "hash": head, "at": at, "mac": _mac(seq, head, at)})
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _last_anchor.update(seq=max(seq, _last_anchor["seq"]), at=time.monotonic())


def anchor_head() -> tuple[int, str] | None:
    """Witness the chain's current committed head (the command, after verify)."""
    from .models import ChainEntry

    head = ChainEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None:
        record(*head)
    return head


def appended(first_seq: int, last_seq: int, head: str) -> None:
    """Called by the chain after an append: anchor its head once the writer commits,
    when the append crossed a multiple of EVERY or this process has not anchored lately."""
    if path() is None:
        return
    every = max(1, int(getattr(settings, "AUDIT_WITNESS_EVERY", 100)))
    seconds = float(getattr(settings, "AUDIT_WITNESS_SECONDS", 60))
    crossed = (first_seq - 1) // every != last_seq // every
    stale = time.monotonic() - _last_anchor["at"] >= seconds
    if crossed or stale:
        transaction.on_commit(lambda: record(last_seq, head))


@dataclass(frozen=True)
class Anchor:
    line: int
    seq: int
    hash: str
    at: str


def read() -> tuple[list[Anchor], list[str]]:
    """The witnessed heads, and a problem per line that is not a valid signed head."""
    target = path()
    anchors: list[Anchor]
    problems: list[str]
    anchors, problems = [], []
    if target is None or not target.exists():
        return anchors, problems
    with target.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            anchor = _parse(number, text)
            if anchor is None:
                problems.append(_("vittnesrad %(n)s är förfalskad eller skadad") % {"n": number})
            else:
                anchors.append(anchor)
    return anchors, problems


def _parse(number: int, text: str) -> Anchor | None:
    try:
        data = json.loads(text)
        seq, head, at, mac = int(data["seq"]), str(data["hash"]), str(data["at"]), data["mac"]
    except (ValueError, KeyError, TypeError):
        return None
    if not hmac.compare_digest(str(mac), _mac(seq, head, at)):
        return None
    return Anchor(number, seq, head, at)


def check(head_seq: int) -> list[str]:
    """Every disagreement between the witness and the chain whose head is `head_seq`."""
    from .chain import in_chunks
    from .models import ChainEntry

    anchors, problems = read()
    if not anchors:
        return problems
    latest = max(anchors, key=lambda a: a.seq)
    if latest.seq > head_seq:
        problems.append(
            _(
                "kedjan är avkortad: vittnet såg post %(seq)s (%(at)s, vittnesrad %(line)s), "
                "men kedjan slutar vid post %(head)s"
            )
            % {"seq": latest.seq, "at": latest.at, "line": latest.line, "head": head_seq}
        )
    wanted = sorted({a.seq for a in anchors if a.seq <= head_seq})
    stored: dict[int, str] = {}
    for chunk in in_chunks(wanted):
        stored.update(ChainEntry.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    for anchor in anchors:
        if anchor.seq <= head_seq and stored.get(anchor.seq) != anchor.hash:
            problems.append(
                _("kedjepost %(seq)s är inte den som vittnet såg (vittnesrad %(line)s)")
                % {"seq": anchor.seq, "line": anchor.line}
            )
    return problems
