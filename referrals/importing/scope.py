"""What one import may write: the uploader's cases and units, or everything for an operator.

A web import runs as the uploading user. It may touch only the cases it could act on
in the web, narrowed to the user's own units: `casework.selectors.visible_cases` (the
one scoping rule) within `Unit.members`; new referrals go only to those units; a coach
named in the `coach` column must be a coach of the case's unit (issue 17, issue 12).
The command line runs as an operator with access to the server and its database: it
stays unrestricted, and its batches say so (`ImportBatch.filename` is unchanged; the
command writes an operator security event).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from casework.selectors import visible_cases
from programmes.models import Unit

CHUNK = 500


@dataclass
class ImportScope:
    operator: bool
    unit_ids: set[int] = field(default_factory=set)
    case_ids: set[int] = field(default_factory=set)
    coaches: dict[tuple[int, str], object] = field(default_factory=dict)
    refused_case_ids: set[int] = field(default_factory=set)

    @classmethod
    def unrestricted(cls) -> ImportScope:
        return cls(operator=True)

    @classmethod
    def of_user(cls, user, personnummers, usernames=()) -> ImportScope:
        """The user's units, their cases of the file's persons and their units' coaches."""
        units = set(Unit.objects.filter(members=user).values_list("pk", flat=True))
        scope = cls(operator=False, unit_ids=units)
        pnrs = sorted(set(personnummers))
        writable = visible_cases(user).filter(unit_id__in=units)
        for i in range(0, len(pnrs), CHUNK):
            chunk = pnrs[i : i + CHUNK]
            scope.case_ids |= set(
                writable.filter(participant__personnummer__in=chunk).values_list("pk", flat=True)
            )
        scope.load_coaches(usernames)
        return scope

    def load_coaches(self, usernames) -> None:
        """Coaches by (unit, user name) among the named ones, in one query."""
        names = sorted(set(usernames))
        if not names:
            return
        users = (
            get_user_model()
            .objects.filter(username__in=names, is_active=True, groups__name="coach")
            .prefetch_related("units")
            .distinct()
        )
        for user in users:
            for unit in user.units.all():
                if self.operator or unit.pk in self.unit_ids:
                    self.coaches[(unit.pk, user.username)] = user

    def may_use_unit(self, unit: Unit) -> bool:
        return self.operator or unit.pk in self.unit_ids

    def may_write(self, case_key: int) -> bool:
        """A stored case in scope, or one this import opened (a negative key until flushed)."""
        return self.operator or case_key < 0 or case_key in self.case_ids

    def opened(self, case_key: int) -> None:
        """A case this import opened in a unit of the scope; later rows may write to it."""
        self.case_ids.add(case_key)

    def coach(self, unit_id: int, username: str):
        return self.coaches.get((unit_id, username))
