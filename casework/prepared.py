"""Queries compiled once and run many times with other values (issues 15 and 16).

Building and compiling a queryset costs the ORM more CPU than PostgreSQL spends running
a small indexed query: the case page's timeline (ten branches of ~35 expressions) cost
~30 ms to compile and ~0.5 ms to run; the API's participation read spent two thirds of
its CPU building its one query. A `Prepared` query is the queryset compiled once, with a
marker value wherever a call gives its own value (a case id, a personnummer); a call puts
its values in the markers' places among the compiled parameters and runs the same SQL,
converting each column as the queryset would, and gives the rows as `.values()` does, or,
compiled with `prepare_models`, the model instances iterating the queryset gives. On
PostgreSQL the statement is also prepared on the server (`cursor_of`). Queries through the
scoping rule are compiled per user and role set by `casework.selectors.compiled_for`.

A marker must reach the parameters unchanged and exactly as often as the caller expects:
`prepare` checks both, so a lookup that transforms its value (or a marker that collides
with another parameter) fails at the first call, never with another person's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class Marker:
    """`value` stands in the queryset for the call's `name`, `count` times."""

    name: str
    value: Any
    count: int = 1


@dataclass(frozen=True)
class Instances:
    """How a compiled model queryset's rows become model instances, as Django's
    `ModelIterable` makes them: the model's columns, its `select_related` parents and its
    annotations. Worked out once with the query; it holds no connection."""

    model: type[Model]
    start: int
    end: int
    attnames: tuple[str, ...]
    populators: tuple[Any, ...]  # RelatedPopulator: one per select_related parent
    annotations: tuple[tuple[str, int], ...]

    def build(self, alias: str, rows: list[list[Any]]) -> list[Model]:
        found = []
        for row in rows:
            obj = self.model.from_db(alias, self.attnames, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, at in self.annotations:
                setattr(obj, name, row[at])
            found.append(obj)
        return found


@dataclass(frozen=True)
class Prepared:
    alias: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (place in params, the call's value to put there)
    names: tuple[str, ...]
    converters: dict[int, tuple[list, Any]]
    instances_of: Instances | None = None  # a model queryset's (`prepare_models`)

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        return [dict(zip(self.names, row, strict=True)) for row in self._fetch(values)]

    def instances(self, **values: Any) -> list[Model]:
        """The model instances the queryset would give, for the call's values."""
        rows = self._fetch(values)
        if not rows:  # a queryset that can match nothing has no compiler to read
            return []
        assert self.instances_of is not None, "compiled with prepare(), not prepare_models()"
        return self.instances_of.build(self.alias, rows)

    def _fetch(self, values: dict[str, Any]) -> list[list[Any]]:
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
            found.append(columns)
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


def prepare_models(queryset: QuerySet, alias: str, *markers: Marker) -> Prepared:
    """Compile a model queryset (`select_related`, `only` and annotations allowed; no
    `prefetch_related`) for `alias`; `instances(**values)` then runs it."""
    if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise ValueError("prepare_models cannot prefetch")
    return prepare(queryset, alias, *markers, models=True)


def prepare(queryset: QuerySet, alias: str, *markers: Marker, models: bool = False) -> Prepared:
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
    instances = _instances(compiler, alias) if models else None
    return Prepared(
        alias,
        sql,
        tuple(params),
        tuple(slots),
        tuple(name for _expr, _sql, name in select),
        compiler.get_converters([expr for expr, _sql, _name in select]),
        instances,
    )


def _instances(compiler: Any, alias: str) -> Instances:
    """What `ModelIterable.__iter__` reads off the compiler after `as_sql` (Django 5.2)."""
    info, select = compiler.klass_info, compiler.select
    fields = info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return Instances(
        info["model"],
        start,
        end,
        tuple(column[0].target.attname for column in select[start:end]),
        tuple(get_related_populators(info, select, alias)),  # type: ignore[call-arg]  # stubs: Django 6
        tuple((compiler.annotation_col_map or {}).items()),
    )
