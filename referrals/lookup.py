"""The personnummer lookup of the referral form, and registering a protected person
(issue 17 item 4).

A protected person (skyddad identitet) the user may not see looks exactly like a new
person: no name and no "finns redan". The person's units' coordinators are told by a
security event, and every lookup of a valid number is access-logged, found or not. A
referral of such a person opens a *shielded* case: the registering unit sees the name and
gender it typed, as it would for a new person, never the stored ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.models import SecurityEvent
from audit.services import log_read
from casework.models import Case, Participant
from casework.rules import CaseRuleError
from casework.selectors import visible_cases

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from programmes.models import Programme, Unit


@dataclass(frozen=True)
class Lookup:
    name: str  # the person's name as the user may see it; '' when not to be named
    known: bool  # exists and may be said to exist


def is_shielded(person: Participant, by: User) -> bool:
    """A protected person the user knows only through cases registered shielded, or not
    at all: the user must learn nothing of the stored person."""
    if not person.skyddad_identitet or person.pk is None:
        return False
    known = visible_cases(by).filter(participant_id=person.pk, shielded=False)
    return not known.exists()


def _protected_units(person: Participant) -> str:
    units = Case.objects.filter(participant=person, shielded=False).values_list(
        "unit__code", flat=True
    )
    return ",".join(sorted(set(units)))


def _tell_protected_units(person: Participant, *, user: User, route: str, what: str) -> None:
    """One security event for the coordinators of the units that hold the person."""
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.PROTECTED_LOOKUP,
        user=user,
        route=route[:300],
        object_ref=f"participant:{person.pk}",
        detail=f"{what}; till samordnarna för {_protected_units(person)}"[:300],
    )


def protected_referral_event(person: Participant, *, unit: Unit, by: User) -> None:
    _tell_protected_units(
        person,
        user=by,
        route="referral.register",
        what=f"aktualisering av person med skyddad identitet hos {unit.code}",
    )


class ProtectedRefusal(CaseRuleError):
    """A referral of a protected person the user may not see, refused by a rule that would
    tell them something of the person: an open case in the programme, or a later exit and
    its date. The reason is not given (a new person is never refused this way), and the
    person's units are told once the refused work is rolled back (`tell`): the event
    cannot be written in the transaction that the refusal undoes."""

    def __init__(self, person: Participant, *, programme: Programme, unit: Unit, by: User):
        message = _(
            "Aktualiseringen kan inte registreras i %(p)s utan en särskild sekretessprövning. "
            "Kontakta din enhetschef."
        ) % {"p": programme.code}
        super().__init__(ValidationError(message, code="secrecy_review"))
        self.person, self.unit, self.by = person, unit, by

    def tell(self) -> None:
        _tell_protected_units(
            self.person,
            user=self.by,
            route="referral.register",
            what=f"nekad aktualisering av person med skyddad identitet hos {self.unit.code}",
        )


def tell_if_protected(error: Exception) -> None:
    """After a refused registration has been rolled back: tell a protected person's units."""
    if isinstance(error, ProtectedRefusal):
        error.tell()


def lookup_personnummer(user: User, canonical: str, *, route: str) -> Lookup:
    stored = Participant.objects.filter(personnummer=canonical).first()
    log_read(
        user=user,
        action="referral.check_personnummer",
        participant_ids=[stored.pk] if stored is not None else [],
        route=route,
        filter_description="personnummer",
    )
    if stored is None:
        return Lookup(name="", known=False)
    if is_shielded(stored, user):
        mine = visible_cases(user).filter(participant=stored).order_by("-pk").first()
        if mine is not None:  # the user's own shielded case: what they typed, as for anyone
            return Lookup(name=mine.person_name, known=True)
        _tell_protected_units(
            stored, user=user, route=route, what="uppslag av personnummer med skyddad identitet"
        )
        return Lookup(name="", known=False)
    visible = visible_cases(user).filter(participant=stored).exists()
    return Lookup(name=str(stored) if visible else "", known=True)
