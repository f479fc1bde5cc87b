"""The loop of a worker beside the server: the audit sealer (`seal_audit --loop`) and the
indicator summary's keeper (`indicator_summary --loop`), which `make run` starts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)


def every(interval: float, work: Callable[[], object], *, name: str, rounds: int | None = None):
    """Run `work` every `interval` seconds, `rounds` times (None: until stopped). A round
    that fails in the database is logged and the next one runs; the connection is renewed
    when it is unusable, as at the end of a request."""
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        try:
            work()
        except DatabaseError:
            log.warning("%s: round failed", name, exc_info=True)
        finally:
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        done += 1
        if rounds is None or done < rounds:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
