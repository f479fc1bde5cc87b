"""A report's independent queries at once, each on a connection of its own (PostgreSQL).

A board report runs one statement per period for the counts, one for K2 and one for
K3/K6; last year beside it doubles them, and the chart runs them for six tertials. Each
statement keeps one PostgreSQL backend, and so one core, busy for seconds at national
scale, and none needs another's result. `run` sends them to `REPORT_CONNECTIONS`
threads, each with its own database connection, and returns the results in order.

Only where it is the same as running them one after another: on PostgreSQL, outside a
transaction (a statement inside one must see what it has written, and a thread's
connection would not). A thread reads the same database as the caller: the replica's
choice (`config.replica`) is a context variable, copied into each thread. Anywhere else,
and with `REPORT_CONNECTIONS` = 1, the tasks run in order in the caller's thread.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from config.replica import read_alias


def run(tasks: Sequence[Callable[[], Any]]) -> list[Any]:
    """Each task's result, in order; concurrently where that changes nothing else."""
    workers = min(len(tasks), settings.REPORT_CONNECTIONS)
    if workers < 2 or not _may_fan_out():
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report") as pool:
        futures = [pool.submit(_in_thread, contextvars.copy_context(), task) for task in tasks]
        return [future.result() for future in futures]


def _may_fan_out() -> bool:
    aliases = {DEFAULT_DB_ALIAS, read_alias()}
    return all(
        connections[alias].vendor == "postgresql" and not connections[alias].in_atomic_block
        for alias in aliases
    )


def _in_thread(context: contextvars.Context, task: Callable[[], Any]) -> Any:
    try:
        return context.run(task)
    finally:
        connections.close_all()  # this thread's connections, which no request closes
