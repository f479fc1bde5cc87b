"""Queries compiled once and run many times with other values (issues 15 and 16).

Building and compiling a queryset costs the ORM more CPU than PostgreSQL spends running
a small indexed query: the case page's timeline (ten branches of ~35 expressions) cost
~30 ms to compile and ~0.5 ms to run; the API's participation read spent two thirds of
its CPU building its one query. A `Prepared` query is the queryset compiled once, with a
marker value wherever a call gives its own value (a case id, a personnummer); a call puts
its values in the markers' places among the compiled parameters and runs the same SQL,
converting each column as the queryset would, and gives the rows as `.values()` does. On
PostgreSQL the statement is also prepared on the server (`cursor_of`).

A marker must reach the parameters unchanged and exactly as often as the caller expects:
`prepare` checks both, so a lookup that transforms its value (or a marker that collides
with another parameter) fails at the first call, never with another person's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


@dataclass(frozen=True)
class Marker:
    """`value` stands in the queryset for the call's `name`, `count` times."""

    name: str
    value: Any
    count: int = 1


@dataclass(frozen=True)
class Prepared:
    alias: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (place in params, the call's value to put there)
    names: tuple[str, ...]
    converters: dict[int, tuple[list, Any]]

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        if not self.sql:  # a queryset that can match nothing (`.none()`, an empty scope)
            return []
        params = list(self.params)
        for at, name in self.slots:
            params[at] = values[name]
        connection = connections[self.alias]
        with cursor_of(connection) as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        found = []
        for row in fetched:
            columns = list(row)
            for i, (converters, expression) in self.converters.items():
                for convert in converters:
                    columns[i] = convert(columns[i], expression, connection)
            found.append(dict(zip(self.names, columns, strict=True)))
        return found


def cursor_of(connection: Any) -> Any:
    """On PostgreSQL a cursor that binds on the server, so that psycopg prepares a
    statement on its fifth run in a connection (`prepare_threshold`, config.settings.base)
    and PostgreSQL no longer plans it on every call: planning the participation query
    cost PostgreSQL 1.1 ms of CPU, running it 0.1 ms. For the hot statements of a request
    (these queries, the API's token check, a single-row insert); the ORM's own cursors
    bind on the client, which psycopg never prepares. Django's wrapper is kept, so the
    statement is counted as any other. Elsewhere, and while queries are logged (DEBUG, a
    test capturing queries), Django's cursor: a prepared statement's run leaves psycopg no
    SQL text for the log."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]  # psycopg 3
    return connection.make_cursor(raw)


def prepare(queryset: QuerySet, alias: str, *markers: Marker) -> Prepared:
    """Compile a `.values()` queryset for `alias`, whose markers become the call's values."""
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return Prepared(alias, "", (), (), (), {})
    slots: list[tuple[int, str]] = []
    for marker in markers:
        kind = type(marker.value)
        at = [i for i, p in enumerate(params) if type(p) is kind and p == marker.value]
        if len(at) != marker.count:
            raise RuntimeError(
                f"{marker.name}: {len(at)} places in the compiled query, not {marker.count}"
            )
        slots += [(i, marker.name) for i in at]
    select = compiler.select
    return Prepared(
        alias,
        sql,
        tuple(params),
        tuple(slots),
        tuple(name for _expr, _sql, name in select),
        compiler.get_converters([expr for expr, _sql, _name in select]),
    )
