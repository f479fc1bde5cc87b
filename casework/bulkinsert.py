"""Lean inserts for an import's unit of work (`BatchStore.flush`) and the API's log rows.

`QuerySet.bulk_create` builds every value's placeholder through the SQL compiler, and on
SQLite in statements of at most 999 parameters (about 60 rows): at 20,000 imported rows
it was a third of the import's CPU time. `insert` writes the same values — each field's
`pre_save` and `get_db_prep_save`, as `bulk_create` does — in one statement per batch as
large as the engine allows, and sets the new primary keys from `RETURNING`, in the order
of the rows (which `bulk_create` relies on too). Like `bulk_create` it sends no signals.

On PostgreSQL several rows go by `COPY … FROM STDIN`, psycopg's row writer, with primary
keys taken from the table's sequence in one query first. `bulk_create` there sends each
column's values as one array (`INSERT … SELECT * FROM UNNEST`), built through the same
compiler, and a multi-row VALUES of 16,000 parameters made psycopg bind each one (20,000
rows: 23.7 s of CPU with bulk_create, 39.2 s with VALUES). COPY fires the same triggers as
an INSERT (the indicator summary's marks, ADR 0112). A single row is a plain `INSERT …
VALUES … RETURNING` on either engine, prepared on PostgreSQL (`prepared.cursor_of`): for
the API's access-log row and its chain entry, `bulk_create`'s compiler cost more CPU than
PostgreSQL's insert; on PostgreSQL the two go in one statement (`insert_pair`), the row's
key reserved ahead (`reserved_id`).

A model or object it is not made for (a set primary key, a database default, a custom
placeholder) goes to `bulk_create` unchanged.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connections, router
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    Field,
    ForeignKey,
    ForeignObject,
    IntegerField,
    Model,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
    TextField,
)

from .prepared import cursor_of

MAX_ROWS = 1000  # per statement: larger ones gain nothing and cost memory


@dataclass(frozen=True)
class _Plan:
    """What `insert` needs of a model, worked out once per model and engine (the API
    writes one access-log row per read: redoing this per row was a tenth of its CPU)."""

    fields: list[Field]
    plain: bool
    relations: list[ForeignObject]
    own_pre_save: list[Field]
    attnames: list[str]
    prepare: list[Any]  # each field's get_db_prep_save
    unchanged: list[type | None]  # the type each field sends PostgreSQL as it is
    head: str  # INSERT INTO table (columns) VALUES
    one: str  # one row's placeholders
    returning: str
    table: str  # quoted, for COPY
    columns: list[str]  # quoted, without the primary key
    pk_column: str  # quoted


_plans: dict[tuple[type[Model], str], _Plan] = {}


def _plan(model: type[Model], connection: Any) -> _Plan:
    key = (model, connection.vendor)
    if key not in _plans:
        _plans[key] = _make_plan(model, connection.ops.quote_name)
    return _plans[key]


def _make_plan(model: type[Model], quote: Any) -> _Plan:
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    table, columns = quote(model._meta.db_table), [quote(f.column) for f in fields]
    return _Plan(
        fields,
        _plain(fields),
        [f for f in fields if isinstance(f, ForeignObject)],
        [f for f in fields if type(f).pre_save is not Field.pre_save],
        [f.attname for f in fields],
        [f.get_db_prep_save for f in fields],
        [_unchanged(f) for f in fields],
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ",
        "(" + ", ".join(["%s"] * len(fields)) + ")",
        f" RETURNING {quote(pk.column)}",
        table,
        columns,
        quote(pk.column),
    )


def insert(model: type[Model], objs: Sequence[Model], *, returning: bool = True) -> None:
    """Insert new `objs` of `model`; with `returning`, give each its primary key."""
    if not objs:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    plan = _plan(model, connection)
    if not plan.plain or any(obj.pk is not None for obj in objs):
        model._default_manager.bulk_create(objs, batch_size=MAX_ROWS)
        return
    rows = [_values(plan, obj) for obj in objs]
    ids = _write(connection, plan, rows, returning=returning)
    pk = model._meta.pk.attname
    for obj, new_id in zip(objs, ids, strict=False):
        setattr(obj, pk, new_id)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def insert_pair(first: Model, second: Model) -> None:
    """`first`, whose primary key is already set (`reserved_id`), and `second`, which
    names it, in one statement (PostgreSQL's `WITH … INSERT`): one round trip and one
    commit, where `insert` twice in a transaction takes four round trips. Both models
    must be plain (no database default, no custom placeholder); `second` gets no key back.
    """
    connection = connections[router.db_for_write(type(first))]
    one, two = _plan(type(first), connection), _plan(type(second), connection)
    if not (one.plain and two.plain) or first.pk is None or second.pk is not None:
        raise ValueError("insert_pair writes two plain rows, the first with its key set")
    head = one.head.replace(" (", f" ({one.pk_column}, ", 1)
    sql = f"WITH first AS ({head}(%s, {one.one[1:]}) {two.head}{two.one}"
    params = [first.pk, *_prepared(one, first, connection), *_prepared(two, second, connection)]
    with cursor_of(connection) as cursor:
        cursor.execute(sql, params)
    for obj in (first, second):
        obj._state.adding = False
        obj._state.db = connection.alias


def _values(plan: _Plan, obj: Model) -> tuple:
    """A new row's values in the plan's column order, as a save would take them."""
    _link_saved_parents(obj, plan.relations)
    for field in plan.own_pre_save:
        field.pre_save(obj, True)  # e.g. auto_now_add sets the attribute
    return tuple(getattr(obj, name) for name in plan.attnames)


def _prepared(plan: _Plan, obj: Model, connection: Any) -> list:
    return [  # a value PostgreSQL takes as it is skips its field's preparation, as in COPY
        value if type(value) is same else prep(value, connection)
        for prep, same, value in zip(plan.prepare, plan.unchanged, _values(plan, obj), strict=True)
    ]


# Primary keys taken from a table's sequence ahead of the rows, per process (a worker
# forked from a parent that took some must not use the parent's), database and model.
_reserved: dict[tuple[int, str, type[Model]], list[int]] = {}
RESERVE = 100


def reserved_id(model: type[Model]) -> int:
    """The next of this process's primary keys for a new `model` row (PostgreSQL): a
    hundred at a time from the table's sequence, so a row's key costs no round trip of its
    own. Keys are unique as the sequence's are; rows may reach the table out of key order,
    as rows of concurrent transactions already do."""
    connection = connections[router.db_for_write(model)]
    pool = _reserved.setdefault((os.getpid(), connection.alias, model), [])
    if not pool:
        plan = _plan(model, connection)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [plan.table, plan.pk_column.strip('"'), RESERVE],
            )
            pool.extend(sorted((r[0] for r in cursor.fetchall()), reverse=True))
    return pool.pop()


def insert_values(
    model: type[Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows given as values in `attnames` order, without building model instances;
    other fields get their default. For rows nobody reads back (simple-history's)."""
    connection = connections[router.db_for_write(model)]
    plan = _plan(model, connection)
    if not plan.plain or not set(attnames) <= set(plan.attnames):
        raise ValueError(f"insert_values cannot write {model.__name__} with {attnames}")
    defaults = [None if f.attname in attnames else f.get_default() for f in plan.fields]
    order = [attnames.index(n) if n in attnames else -1 for n in plan.attnames]
    full = [tuple(row[i] if i >= 0 else defaults[j] for j, i in enumerate(order)) for row in rows]
    _write(connection, plan, full, returning=False)


# Fields whose get_db_prep_save gives PostgreSQL a value of this exact type unchanged: the
# COPY skips the call for them (a third of an import's writing was these calls).
_SAME_ON_POSTGRESQL: dict[type[Field], type] = {
    CharField: str,
    TextField: str,
    BooleanField: bool,
    DateField: date,  # a datetime is not a date here: `type(value) is date` is exact
    **dict.fromkeys(
        (
            AutoField,
            BigAutoField,
            IntegerField,
            SmallIntegerField,
            BigIntegerField,
            PositiveIntegerField,
            PositiveSmallIntegerField,
            PositiveBigIntegerField,
        ),
        int,  # not bool: exact types
    ),
}


def _unchanged(field: Field) -> type | None:
    if isinstance(field, ForeignKey):
        field = field.target_field
    return _SAME_ON_POSTGRESQL.get(type(field))  # exact classes: a subclass may prepare


def _plain(fields: list[Field]) -> bool:
    """Fields whose value is a bare parameter: no database default, no custom placeholder."""
    return not any(f.has_db_default() or hasattr(f, "get_placeholder") for f in fields)


def _link_saved_parents(obj: Model, relations: list[ForeignObject]) -> None:
    """What `Model._prepare_related_fields_for_save` does before a save: a parent assigned
    before it had an id (a new case's new participant) gives its id now."""
    for field in relations:
        if not field.is_cached(obj):
            continue
        parent = field.get_cached_value(obj)
        if parent is None:
            continue
        if parent.pk is None:
            raise ValueError(f"{field.name} of {type(obj).__name__} is not saved yet")
        if getattr(obj, field.attname) is None:
            setattr(obj, field.attname, parent.pk)


def _write(connection, plan: _Plan, rows, *, returning: bool) -> list:
    if connection.vendor == "postgresql" and len(rows) > 1:
        return _copy(connection, plan, rows, returning=returning)
    per_statement = MAX_ROWS
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_statement = max(1, min(MAX_ROWS, limit // max(1, len(plan.fields))))
    tail = plan.returning if returning else ""
    ids: list = []
    with cursor_of(connection) if len(rows) == 1 else connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [
                prep(value, connection)
                for row in chunk
                for prep, value in zip(plan.prepare, row, strict=True)
            ]
            cursor.execute(plan.head + ", ".join([plan.one] * len(chunk)) + tail, params)
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _copy(connection, plan: _Plan, rows, *, returning: bool) -> list:
    """Several rows on PostgreSQL: their ids from the sequence (when asked), then COPY."""
    ids: list = []
    columns = plan.columns
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [plan.table, plan.pk_column.strip('"'), len(rows)],
            )
            ids = sorted(r[0] for r in cursor.fetchall())  # the rows' order, as bulk_create
            columns = [plan.pk_column, *columns]
        sql = f"COPY {plan.table} ({', '.join(columns)}) FROM STDIN"
        fields = list(zip(plan.prepare, plan.unchanged, strict=True))
        with cursor.copy(sql) as copy:
            for i, row in enumerate(rows):
                values = [
                    value
                    if same is not None and (value is None or type(value) is same)
                    else prep(value, connection)
                    for (prep, same), value in zip(fields, row, strict=True)
                ]
                copy.write_row([ids[i], *values] if returning else values)
    return ids
