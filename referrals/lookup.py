"""The personnummer lookup of the referral form (issue 17 item 4).

A protected person (skyddad identitet) the user may not see looks exactly like a new
person: no name and no "finns redan". The unit's coordinators are told by a security
event, and every lookup of a valid number is access-logged, found or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import SecurityEvent
from audit.services import log_read
from casework.models import Participant
from casework.selectors import visible_participants


@dataclass(frozen=True)
class Lookup:
    person: Participant | None  # a person the user may see: name shown
    known: bool  # exists and may be said to exist


def lookup_personnummer(user, canonical: str, *, route: str) -> Lookup:
    stored = Participant.objects.filter(personnummer=canonical).first()
    visible = stored is not None and visible_participants(user).filter(pk=stored.pk).exists()
    log_read(
        user=user,
        action="referral.check_personnummer",
        participant_ids=[stored.pk] if stored is not None else [],
        route=route,
        filter_description="personnummer",
    )
    if stored is not None and stored.skyddad_identitet and not visible:
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.PROTECTED_LOOKUP,
            user=user,
            route=route[:300],
            object_ref=f"participant:{stored.pk}",
            detail="uppslag av personnummer med skyddad identitet",
        )
        return Lookup(person=None, known=False)
    return Lookup(person=stored if visible else None, known=stored is not None)
