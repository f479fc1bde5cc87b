"""Reads of personal data. `visible_cases` is the one scoping rule (S1–S3, S5, P1, A1–A5).

Every view, export, command and API that reads cases or participants starts here;
nothing re-implements the rule. `docs/access-control.md` is the matrix these follow.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from programmes.models import Programme, Unit

from .models import Case, Participant

ROLES_WITH_PERSONAL_DATA = ("coordinator", "coach")
AUDIT_ROLES = ("auditor", "admin")


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = user._role_names = set(user.groups.values_list("name", flat=True))
    return cached


def _own_units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(members=user)


def visible_cases(user) -> QuerySet[Case]:
    """Who may read a case's personal data.

    - coach: the cases assigned to them (S1);
    - coordinator: every case of their units (S1), plus the cases of programmes that
      another organisation explicitly shares with the coordinator's organisation (S5),
      except skyddad identitet there: only the unit's own coordinators see those (P1);
    - manager, auditor, admin and everyone else: no case records (S3).
    Units of different organisations are therefore isolated unless a programme says so.
    """
    roles = roles_of(user)
    scope = Q(pk__in=[])
    if "coordinator" in roles:
        shared = Programme.objects.filter(shared_with__units__members=user)
        scope |= Q(unit__in=_own_units(user))
        scope |= Q(programme__in=shared, participant__skyddad_identitet=False)
    if "coach" in roles:
        scope |= Q(coach=user)
    if scope == Q(pk__in=[]):
        return Case.objects.none()
    return Case.objects.filter(scope)


def visible_participants(user) -> QuerySet[Participant]:
    return Participant.objects.filter(pk__in=visible_cases(user).values("participant_id"))


def auditable_cases(user) -> QuerySet[Case]:
    """Cases whose log and history an auditor (or admin) may review: their units' cases,
    never a skyddad-identitet person (P1: only the assigned coach and the unit's
    coordinators see those)."""
    if not set(AUDIT_ROLES) & roles_of(user):
        return Case.objects.none()
    return Case.objects.filter(unit__in=_own_units(user), participant__skyddad_identitet=False)


def auditable_participants(user) -> QuerySet[Participant]:
    return Participant.objects.filter(pk__in=auditable_cases(user).values("participant_id"))


def case_in_scope_or_404(user, case_id: int, *, route: str = "") -> Case:
    """The case if the user may see it; else 404, the same as a missing id (S2), and a signal."""
    from .signals import scope_refused

    case = (
        visible_cases(user)
        .select_related("participant", "programme", "unit", "coach")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        scope_refused.send(sender=Case, user=user, case_id=case_id, route=route)
        raise Http404
    return case


def auditable_participant_or_404(user, participant_id: int, *, route: str = "") -> Participant:
    """The participant if the user may audit them; else 404 and the refusal signal (A5)."""
    from .signals import scope_refused

    person = auditable_participants(user).filter(pk=participant_id).first()
    if person is None:
        scope_refused.send(
            sender=Participant, user=user, case_id=None, participant_id=participant_id, route=route
        )
        raise Http404
    return person
