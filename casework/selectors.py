"""Reads of personal data. `visible_cases` is the one scoping rule (S1–S3, A1–A5).

Every view, export, command and API that reads cases or participants starts here;
nothing re-implements the rule.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Case, Participant

ROLES_WITH_PERSONAL_DATA = ("coordinator", "coach")


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = user._role_names = set(user.groups.values_list("name", flat=True))
    return cached


def visible_cases(user) -> QuerySet[Case]:
    """A coach sees the cases assigned to them; a coordinator every case of their units.

    Managers and everyone else see no personal records. Skyddad identitet needs no
    extra clause: only the assigned coach and the unit's coordinators match (P1).
    """
    roles = roles_of(user)
    scope = Q(pk__in=[])
    if "coordinator" in roles:
        scope |= Q(unit__members=user)
    if "coach" in roles:
        scope |= Q(coach=user)
    if scope == Q(pk__in=[]):
        return Case.objects.none()
    return Case.objects.filter(scope).distinct()


def visible_participants(user) -> QuerySet[Participant]:
    return Participant.objects.filter(cases__in=visible_cases(user)).distinct()


def case_in_scope_or_404(user, case_id: int, *, route: str = "") -> Case:
    """The case if the user may see it; else 404, the same as a missing id (S2), and a signal."""
    from django.http import Http404

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
