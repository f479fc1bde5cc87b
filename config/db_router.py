"""Reads to the replica inside `config.replica.reads_from_replica`, everything else to the primary.

The router is installed always; without a `replica` alias it answers None everywhere, which is
Django's behaviour without a router. With one:

- every write goes to the primary (`db_for_write`), and only the primary is migrated;
- a read goes to the replica only while a report has entered `replica.reading()`, and not
  while the primary has a transaction open: a read inside a transaction is the read that a
  write depends on (the chain head, a row read back after its insert, a locked case), and it
  must see the primary and its own uncommitted rows;
- every other read goes to the primary, also for an object that was loaded from the replica.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS

from . import replica


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not replica.configured():
            return None
        return replica.read_alias()

    def db_for_write(self, model, **hints) -> str | None:
        return DEFAULT_DB_ALIAS if replica.configured() else None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """The replica holds the primary's rows: objects from either may be related."""
        ours = {DEFAULT_DB_ALIAS, replica.ALIAS}
        return True if {obj1._state.db, obj2._state.db} <= ours else None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db == replica.ALIAS else None
