"""The chain head anchored outside the database it protects (issue 17 item 7; ADR 0101,
0109).

A witness line is the newest sealed block at one moment, `{"block", "hash", "at",
"mac"}`, appended to the file `AUDIT_WITNESS_PATH` (opened `O_APPEND`, one `write` per
line, fsync'd). The line is HMAC'ed with `AUDIT_CHAIN_KEY`, so someone who can write the
file but has not the key cannot forge a head. `verify` then refuses a chain that is
shorter than a witnessed block, or whose block at a witnessed seq has another hash: the
tail cut that the chain alone cannot show. Block seqs run 1, 2, … without a gap.

Lines are written after the sealer's commit: every `AUDIT_WITNESS_EVERY` blocks, and
when this process has not anchored for `AUDIT_WITNESS_SECONDS`; by `manage.py
anchor_audit` (cron) and by a `verify_audit` that passed.

Lines written before the blocks (ADR 0101: `{"seq", "hash", "at", "mac"}`, one per link
head) are still read: the migration to blocks kept every link's seq, so such a line
still proves that the log held at least `seq` entries; the old link hash it names no
longer exists and is not compared.
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


def _mac(seq: int, head: str, at: str, label: str = "witness-block") -> str:
    key = getattr(settings, "AUDIT_CHAIN_KEY", settings.SECRET_KEY).encode()
    return hmac.new(key, f"{label}|{seq}|{head}|{at}".encode(), hashlib.sha256).hexdigest()


def record(seq: int, head: str) -> None:
    """Append one signed block-head line; a no-op when no witness is configured."""
    target = path()
    if target is None:
        return
    at = timezone.now().isoformat()
    line = json.dumps({"block": seq, "hash": head, "at": at, "mac": _mac(seq, head, at)})
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    _last_anchor.update(seq=max(seq, _last_anchor["seq"]), at=time.monotonic())


def anchor_head() -> tuple[int, str] | None:
    """Witness the newest committed block (the commands, after sealing or verifying)."""
    from .models import ChainBlock

    head = ChainBlock.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None:
        record(*head)
    return head


def sealed(seq: int, head: str) -> None:
    """Called by the sealer for each block: anchor it once the block commits, every
    EVERY blocks or when this process has not anchored lately."""
    if path() is None:
        return
    every = max(1, int(getattr(settings, "AUDIT_WITNESS_EVERY", 100)))
    seconds = float(getattr(settings, "AUDIT_WITNESS_SECONDS", 60))
    stale = time.monotonic() - _last_anchor["at"] >= seconds
    if seq % every == 0 or stale:
        transaction.on_commit(lambda: record(seq, head))


@dataclass(frozen=True)
class Anchor:
    line: int
    seq: int  # a block seq; for a line from before the blocks, a count of entries
    hash: str
    at: str
    legacy: bool = False


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
        legacy = "block" not in data
        seq = int(data["seq"] if legacy else data["block"])
        head, at, mac = str(data["hash"]), str(data["at"]), data["mac"]
    except (ValueError, KeyError, TypeError):
        return None
    if not hmac.compare_digest(
        str(mac), _mac(seq, head, at, "witness" if legacy else "witness-block")
    ):
        return None
    return Anchor(number, seq, head, at, legacy)


def _cut(latest: Anchor, head: int, what: str) -> str:
    return _(
        "kedjan är avkortad: vittnet såg %(what)s %(seq)s (%(at)s, vittnesrad %(line)s), "
        "men kedjan slutar vid %(what)s %(head)s"
    ) % {"what": what, "seq": latest.seq, "at": latest.at, "line": latest.line, "head": head}


def _legacy_problems(anchors: list[Anchor]) -> list[str]:
    """Lines from before the blocks: the log still holds as many sealed entries."""
    from .models import ChainBlock

    if not anchors:
        return []
    sealed = ChainBlock.objects.order_by("-seq").values_list("last_seq", flat=True).first() or 0
    latest = max(anchors, key=lambda a: a.seq)
    return [_cut(latest, sealed, _("post"))] if latest.seq > sealed else []


def check() -> list[str]:
    """Every disagreement between the witness and the sealed blocks."""
    from .chain import in_chunks
    from .models import ChainBlock

    anchors, problems = read()
    problems += _legacy_problems([a for a in anchors if a.legacy])
    anchors = [a for a in anchors if not a.legacy]
    if not anchors:
        return problems
    head = ChainBlock.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    latest = max(anchors, key=lambda a: a.seq)
    if latest.seq > head:
        problems.append(_cut(latest, head, _("block")))
    wanted = sorted({a.seq for a in anchors if a.seq <= head})
    stored: dict[int, str] = {}
    for chunk in in_chunks(wanted):
        stored.update(ChainBlock.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    for anchor in anchors:
        if anchor.seq <= head and stored.get(anchor.seq) != anchor.hash:
            problems.append(
                _("block %(seq)s är inte det som vittnet såg (vittnesrad %(line)s)")
                % {"seq": anchor.seq, "line": anchor.line}
            )
    return problems
