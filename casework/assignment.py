"""Coaches for many cases at once: bulk assignment and moving a leaving coach's caseload.

Each case goes through `services.case_assign_coach`, so each gets its own journal row.
All or nothing: a case outside the user's scope, or a case the rules refuse, stops the
whole batch before anything is written (issue 12, item 1).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Case
from .rules import CaseRuleError
from .selectors import visible_cases
from .services import case_assign_coach


def unassigned_cases(user) -> QuerySet[Case]:
    """Open cases in scope without a coach, in any state, oldest referral first."""
    return (
        visible_cases(user)
        .open()
        .filter(coach__isnull=True)
        .select_related("participant", "programme", "unit")
        .order_by("referred_on", "pk")
    )


def assignable_coaches(user) -> QuerySet[User]:
    """Active coaches of the user's units, by name."""
    return (
        User.objects.filter(is_active=True, groups__name="coach", units__members=user)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _in_scope(user, case_ids: list[int]) -> list[int]:
    ids = sorted(set(case_ids))
    found = set(visible_cases(user).filter(pk__in=ids).values_list("pk", flat=True))
    if not ids or found != set(ids):
        raise CaseRuleError(_("Ett eller flera av de valda ärendena finns inte."))
    return ids


@transaction.atomic
def cases_assign_coach(*, case_ids: list[int], coach: User, by: User, reason: str = "") -> int:
    """One coach for several cases, one journal row per case; refused as a whole."""
    ids = _in_scope(by, case_ids)
    for case_id in ids:
        try:
            case_assign_coach(case_id=case_id, coach=coach, by=by, reason=reason)
        except CaseRuleError as refusal:
            raise CaseRuleError(
                _("Ärende %(pk)s: %(reason)s") % {"pk": case_id, "reason": refusal}
            ) from refusal
    return len(ids)


@transaction.atomic
def caseload_move(*, from_coach: User, to_coach: User, by: User, reason: str) -> int:
    """Every open case of a leaving coach that `by` may see, to another coach, with a reason."""
    if from_coach.pk == to_coach.pk:
        raise CaseRuleError(_("Välj en annan coach att flytta ärendena till."))
    if not reason.strip():
        raise CaseRuleError(_("Ange varför ärendena flyttas."))
    ids = list(
        visible_cases(by)
        .open()
        .filter(coach=from_coach)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise CaseRuleError(_("Coachen har inga öppna ärenden att flytta."))
    return cases_assign_coach(case_ids=ids, coach=to_coach, by=by, reason=reason)
