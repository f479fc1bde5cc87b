"""The one place a person's gender and skyddad identitet are written (issue 17 item 8).

Each value is a journaled fact, `ParticipantFact`, chained by the audit app: the person's
creation writes the first row of each field (`record_identity`, called by the referral
register and so by the import), and every change goes through the services below, which
write the row, the participant and, for gender, the spells that copy it, in one
transaction. A raw UPDATE of the participant's column is then reported by
`verify_audit --deep`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from . import store
from .models import Gender, Participant, ParticipantFact
from .projections import refresh_spells
from .rules import CaseRuleError

FIELDS = tuple(ParticipantFact.Field.values)


def value_of(person: Participant, field: str) -> str:
    """The column as the fact stores it: the gender code, or "1"/"0" for protection."""
    value = getattr(person, field)
    return ("1" if value else "0") if isinstance(value, bool) else str(value)


def record_identity(person: Participant, *, by, batch=None, fields=FIELDS) -> None:
    """Journal the person's current values of `fields`, through the unit of work's store."""
    for field in fields:
        store.current().record(
            ParticipantFact(
                participant=person,
                field=field,
                value=value_of(person, field),
                actor=by,
                batch=batch,
            )
        )


def _change(participant_id: int, field: str, value, *, by, reason: str) -> Participant:
    if not by.has_perm("casework.decide_referral"):
        raise PermissionDenied(_("Du har inte behörighet att ändra personuppgifter."))
    person = Participant.objects.select_for_update().get(pk=participant_id)
    if getattr(person, field) == value:
        return person
    setattr(person, field, value)
    person._history_user, person._change_reason = by, reason
    person.save()
    record_identity(person, by=by, fields=(field,))
    return person


@transaction.atomic
def participant_set_protection(*, participant_id: int, protected: bool, by) -> Participant:
    """Set or clear skyddad identitet (P4); audit also raises a security event."""
    return _change(
        participant_id, "skyddad_identitet", protected, by=by, reason="participant.skyddad"
    )


@transaction.atomic
def participant_set_gender(*, participant_id: int, gender: str, by) -> Participant:
    """Change the person's registered gender (N5); the spells that copy it follow."""
    if gender not in Gender.values:
        raise CaseRuleError(_("Kön måste vara K, M eller X."))
    person = _change(participant_id, "gender", gender, by=by, reason="participant.gender")
    refresh_spells(person.cases.values_list("pk", flat=True))
    return person
