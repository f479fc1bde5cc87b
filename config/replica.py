"""Reports off the primary (issue 15 item 3): where a report reads, and how far behind that is.

With DATABASE_REPLICA_URL set (config/settings/base.py) there is a `replica` alias: a
PostgreSQL streaming replica. Reads go there only inside `reading()`, which the report views
enter with `@reads_from_replica` and `manage.py indicators` with
`@command_reads_from_replica`; `config.db_router.ReplicaRouter` does the routing. Writes, and
reads inside a transaction on the primary, stay on the primary, so the access-log row a report
writes, and its chain link, go where they always went.

The page after a write stays on the primary: `PrimaryAfterWriteMiddleware` gives a user who
has just sent a POST (or another unsafe method) a signed cookie, and for REPLICA_PIN_SECONDS
that user's report pages read the primary. The timestamp is in the signature, so the window
is checked here and not left to the browser. A cookie costs no session write and no query.

When the replica does not answer, the report reads the primary and says so: a report that is
slower is better than none. Without DATABASE_REPLICA_URL nothing here changes anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext as _

ALIAS = "replica"
PIN_COOKIE = "primary_reads"
PIN_SALT = "config.replica.pin"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Where `request.reads_from` says the view read (the template tag shows it).
REPLICA = "replica"
PRIMARY = "primary"  # no replica, or inside a transaction on the primary
PINNED = "pinned"  # the user wrote within REPLICA_PIN_SECONDS
FALLBACK = "fallback"  # the replica did not answer

logger = logging.getLogger(__name__)


def fallback_text() -> str:
    return _("Replikan svarar inte; rapporten läses från primärdatabasen.")


_reading: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


def configured() -> bool:
    return ALIAS in settings.DATABASES


def active() -> bool:
    """True inside `reading()` with a replica that answered."""
    return _reading.get()


def read_alias() -> str:
    """Where a read goes now: the replica inside `reading()`, unless the primary has a
    transaction open (a read that a write depends on must see the primary)."""
    if _reading.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return ALIAS
    return DEFAULT_DB_ALIAS


class _ReadConnection:
    """`django.db.connection` for a report's raw SQL, which no router sees: the connection
    `read_alias()` names, looked up on every use, like Django's own ConnectionProxy."""

    def __getattr__(self, name: str) -> Any:
        return getattr(connections[read_alias()], name)


read_connection = _ReadConnection()


def _answers() -> bool:
    try:
        connections[ALIAS].ensure_connection()
    except DatabaseError:
        logger.warning("The replica does not answer; the report reads the primary.")
        return False
    return True


@contextmanager
def reading() -> Iterator[str]:
    """Send this block's reads to the replica; yields REPLICA, PRIMARY or FALLBACK.

    Inside a transaction on the primary the block keeps reading the primary (see the router),
    and then the replica is not even connected to.
    """
    if not configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        yield PRIMARY
        return
    if not _answers():
        yield FALLBACK
        return
    token = _reading.set(True)
    try:
        yield REPLICA
    finally:
        _reading.reset(token)


@contextmanager
def on_primary() -> Iterator[None]:
    """Read the primary inside a report: for work that runs after a commit (an on_commit
    hook) and must see the primary without opening a transaction of its own."""
    token = _reading.set(False)
    try:
        yield
    finally:
        _reading.reset(token)


def pinned(request) -> bool:
    """The user sent a write within the last REPLICA_PIN_SECONDS."""
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS
    )
    return value is not None


@contextmanager
def _report_reads(request) -> Iterator[str]:
    if configured() and pinned(request):
        yield PINNED
        return
    with reading() as where:
        yield where


def reads_from_replica(view):
    """A report view's reads go to the replica, unless the user has just written.

    A TemplateResponse is rendered here, inside the block, so its lazy querysets read where
    the view did. A streaming response's body would be read after the block: on the primary.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with _report_reads(request) as where:
            request.reads_from = where
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            return response

    return wrapped


def command_reads_from_replica(handle):
    """`handle` of a report command: the replica unless --primary; a warning if it is down."""

    @wraps(handle)
    def wrapped(command, *args, **options):
        if options.get("primary"):
            return handle(command, *args, **options)
        with reading() as where:
            if where == FALLBACK:
                command.stderr.write(fallback_text())
            return handle(command, *args, **options)

    return wrapped


class PrimaryAfterWriteMiddleware:
    """After a signed-in user's POST, pin that user's reads to the primary for a short while.

    Only for a browser with a session: an API client's token request gets no cookie.
    """

    def __init__(self, get_response):
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method in UNSAFE_METHODS
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and user is not None
            and user.is_authenticated
        ):
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response


@dataclass(frozen=True)
class Lag:
    """How far the replica is behind the primary.

    `behind_bytes` is the WAL the primary has written that the replica has not replayed; 0
    means the replica shows everything the primary had committed when we asked. Time cannot
    be read exactly from a standby: `pg_last_xact_replay_timestamp()` is the commit time of
    the last transaction replayed, which on an idle primary grows old without any lag. So
    the age of that commit is reported only when WAL is outstanding, and then as an upper
    bound: everything committed up to that moment is on the replica.
    """

    behind_bytes: int
    at_most: timedelta | None

    @property
    def caught_up(self) -> bool:
        return self.behind_bytes <= 0


def lag() -> Lag | None:
    """The replica's lag, or None without a PostgreSQL replica or when it cannot be read.

    The primary's position is read first, so a replica at or past it has replayed every
    commit made before the question.
    """
    if not configured() or connections[ALIAS].vendor != "postgresql":
        return None
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (primary_lsn,) = cursor.fetchone()
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),"
                " now() - pg_last_xact_replay_timestamp()",
                [str(primary_lsn)],
            )
            behind, age = cursor.fetchone()
    except DatabaseError:
        logger.warning("The replica's lag could not be read.")
        return None
    if behind is None:  # not a standby, or nothing replayed yet
        return None
    behind = max(int(behind), 0)
    return Lag(behind_bytes=behind, at_most=age if behind else None)
