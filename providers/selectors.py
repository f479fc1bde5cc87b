"""Reads for providers and for the coordinator's attendance follow-up (002 §5).

A provider's staff read no case through `casework.selectors.visible_cases`: they see a
narrower projection of the cases placed with their organisation, and only those
(docs/providers.md). Every read here is access-logged by the view that renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from casework.models import Attendance, Case, CaseQuerySet
from casework.selectors import roles_of, visible_cases
from casework.signals import scope_refused

from .models import Placement

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PROVIDER_ROLE = "leverantor"
DEFAULT_THRESHOLD = 80
# An ended placement stays with the provider this long, so the last weeks' attendance,
# reported after the fact, can still be recorded (weeks after the end are refused).
REPORTING_DAYS_AFTER_END = 14


def provider_placements(user: User, *, today: date | None = None) -> QuerySet[Placement]:
    """The placements of the user's organisation: active, or ended in the last 14 days."""
    today = today or timezone.localdate()
    recent = Q(ended_on__gte=today - timedelta(days=REPORTING_DAYS_AFTER_END))
    return Placement.objects.filter(provider__units__members=user).filter(
        Q(ended_on__isnull=True) | recent
    )


def placed_cases(user: User, *, today: date | None = None) -> QuerySet[Case]:
    """The cases placed with the user's provider organisation (`provider_placements`), in
    programmes that follow attendance, never a skyddad-identitet person (P1)."""
    if PROVIDER_ROLE not in roles_of(user):
        return Case.objects.none()
    placements = provider_placements(user, today=today)
    return Case.objects.filter(
        pk__in=placements.values("case_id"),
        programme__tracks_attendance=True,
        participant__skyddad_identitet=False,
    )


def placed_case_or_404(user: User, case_id: int, *, route: str) -> Case:
    case = placed_cases(user).select_related("participant", "programme").filter(pk=case_id).first()
    if case is None:
        scope_refused.send(sender=Case, user=user, case_id=case_id, route=route)
        raise Http404
    return case


@dataclass(frozen=True)
class ProviderRow:
    """What a provider may see of a participant: name, birth year, insats, planned end."""

    case: Case
    name: str
    birth_year: int
    insats: str
    planned_end: date | None
    weeks: list[Attendance]
    ended_on: date | None = None


def provider_rows(user: User, *, today: date, weeks: int = 4) -> list[ProviderRow]:
    cases = list(
        placed_cases(user, today=today).select_related("participant", "programme").order_by("pk")
    )
    since = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    recent: dict[int, list[Attendance]] = {}
    for row in Attendance.objects.filter(case__in=cases, week__gte=since).order_by("week"):
        recent.setdefault(row.case_id, []).append(row)
    placements = {
        p.case_id: p
        for p in provider_placements(user, today=today).filter(case__in=cases).order_by("pk")
    }
    return [
        ProviderRow(
            case=c,
            name=c.person_name,
            birth_year=c.participant.birth_date.year,
            insats=c.get_state_display(),
            planned_end=placements[c.pk].planned_end or c.deadline,
            weeks=recent.get(c.pk, []),
            ended_on=placements[c.pk].ended_on,
        )
        for c in cases
    ]


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def coordinator_attendance_cases(user: User) -> CaseQuerySet:
    return visible_cases(user).filter(programme__tracks_attendance=True)


@dataclass(frozen=True)
class MonthRow:
    case: Case
    present: int
    planned: int

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.planned) if self.planned else 0


def attendance_by_month(user: User, *, month: date) -> list[MonthRow]:
    """Days present of planned days per participant in a month, summed in the database; a
    week belongs to the month its Monday is in (002 §5)."""
    start, end = month_bounds(month)
    sums = (
        Attendance.objects.filter(
            case__in=coordinator_attendance_cases(user), week__gte=start, week__lt=end
        )
        .values("case_id")
        .annotate(present=Sum("days_present"), planned=Sum("planned_days"))
        .order_by("case_id")
    )
    totals = {r["case_id"]: (r["present"], r["planned"]) for r in sums}
    cases = Case.objects.filter(pk__in=totals).select_related("participant").order_by("pk")
    return [MonthRow(c, *totals[c.pk]) for c in cases]


def under_threshold(rows: list[MonthRow], threshold: int) -> list[MonthRow]:
    return sorted((r for r in rows if r.percent < threshold), key=lambda r: r.percent)


def placeable_cases(user: User) -> QuerySet[Case]:
    """Open cases the coordinator may place with a provider: in scope, attendance followed."""
    return (
        coordinator_attendance_cases(user)
        .open()
        .exclude(pk__in=Placement.objects.active().values("case_id"))
        .select_related("participant")
        .order_by("pk")
    )


def active_placements(user: User) -> QuerySet[Placement]:
    """The coordinator's active placements: those of the cases in their scope (S1)."""
    return (
        Placement.objects.active()
        .filter(case__in=coordinator_attendance_cases(user))
        .select_related("case__participant", "provider")
        .order_by("provider__name", "pk")
    )


def placement_or_404(user: User, placement_id: int, *, route: str) -> Placement:
    placement = active_placements(user).filter(pk=placement_id).first()
    if placement is None:
        scope_refused.send(
            sender=Placement, user=user, route=route, object_ref=f"placement:{placement_id}"
        )
        raise Http404
    return placement
