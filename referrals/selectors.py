"""Reads for the coordinator workspace: queue, capacity, caseloads and lead times.

Every read starts from `casework.selectors.visible_cases` (S1); counts and medians are
computed by the database, and each list page costs the same number of queries whatever
its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from casework import places
from casework.models import INSATS_STATES, Case, Samrad, State, Transition
from casework.selectors import visible_cases
from programmes.models import InsatsRule, Programme, Unit

from .models import WaitingListEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    from casework.models import CaseQuerySet

DUE_SOON_DAYS = 14


def _in_scope(user: User) -> CaseQuerySet:
    """Visible cases without the join `visible_cases` needs, so aggregates count each once."""
    return Case.objects.filter(pk__in=visible_cases(user).values("pk"))


def user_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(members=user).order_by("name")


def user_programmes(user: User) -> QuerySet[Programme]:
    """Programmes run or shared by the user's organisations, and any they have cases in."""
    return (
        Programme.objects.filter(
            Q(owner__units__members=user)
            | Q(shared_with__units__members=user)
            | Q(cases__in=_in_scope(user))
        )
        .distinct()
        .order_by("code")
    )


def referral_queue(user: User) -> QuerySet[Case]:
    """Cases awaiting a decision, longest waiting first, with what the row needs."""
    samrad = Samrad.objects.filter(case=OuterRef("pk"), corrections__isnull=True)
    waiting = WaitingListEntry.objects.waiting().filter(case=OuterRef("pk"))
    coaches = User.objects.filter(groups__name="coach").order_by("first_name", "username")
    return (
        _in_scope(user)
        .filter(state=State.AKTUALISERING)
        .select_related("participant", "programme", "unit", "coach")
        .prefetch_related(
            "programme__rules",
            Prefetch("unit__members", queryset=coaches, to_attr="coaches"),
        )
        .annotate(
            has_samrad=Exists(samrad),
            waiting_for=Subquery(waiting.values("insats_type")[:1]),
        )
        .order_by("referred_on", "pk")
    )


class QueueAnnotations(TypedDict):
    """What `referral_queue` annotates on each case."""

    has_samrad: bool
    waiting_for: str | None


def startable_insatser(case: WithAnnotations[Case, QueueAnnotations], user: User) -> list[str]:
    """Insatser the FSM lets this user start now, from prefetched rows only (no queries).

    Mirrors the `_startable` condition for a case in aktualisering: a rule exists in
    the programme, and the samråd is recorded where the programme demands it. The
    service re-checks everything under the lock.
    """
    if case.programme.samrad_before_first_insats and not case.has_samrad:
        return []
    ruled = {r.insats_type for r in case.programme.rules.all()}
    result = []
    for insats in INSATS_STATES:
        meta = getattr(Case, f"start_{insats}")._django_fsm
        allowed = meta.has_transition(case.state) and meta.has_transition_perm(
            case, case.state, user
        )
        if insats in ruled and allowed:
            result.append(insats)
    return result


# --- capacity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capacity:
    programme: Programme
    insats_type: str
    label: str
    capacity: int | None
    used: int | float
    waiting: int
    frees_on: date | None = None  # when the next place frees (planned ends, deadlines)

    @property
    def free(self) -> int | float | None:
        return None if self.capacity is None else max(0, self.capacity - self.used)


def capacity_table(programmes: Iterable[Programme]) -> list[Capacity]:
    """Places used (open spells) against `InsatsRule.capacity`, with the line waiting."""
    programmes = list(programmes)
    used = {
        (row["programme"], row["state"]): row["n"]
        for row in Case.objects.filter(programme__in=programmes, state__in=INSATS_STATES)
        .values("programme", "state")
        .annotate(n=Count("pk"))
    }
    waiting = {
        (row["programme"], row["insats_type"]): row["n"]
        for row in WaitingListEntry.objects.waiting()
        .filter(programme__in=programmes)
        .values("programme", "insats_type")
        .annotate(n=Count("pk"))
    }
    rules = InsatsRule.objects.filter(programme__in=programmes).select_related("programme")
    order = {value: i for i, value in enumerate(INSATS_STATES)}
    today = timezone.localdate()
    rows = [
        Capacity(
            programme=r.programme,
            insats_type=r.insats_type,
            label=r.get_insats_type_display(),
            capacity=r.capacity,
            # Places by the start rule (casework.places); without a limit, open spells.
            used=places.places_taken(r, today)
            if r.capacity is not None
            else used.get((r.programme_id, r.insats_type), 0),
            waiting=waiting.get((r.programme_id, r.insats_type), 0),
            frees_on=places.next_place_frees(r, today) if r.capacity is not None else None,
        )
        for r in rules
    ]
    return sorted(rows, key=lambda c: (c.programme.code, order[c.insats_type]))


def waiting_list(user: User) -> QuerySet[WaitingListEntry]:
    """The line for every programme the user works with, in referral order."""
    return (
        WaitingListEntry.objects.waiting()
        .filter(case__in=_in_scope(user))
        .select_related("case__participant", "case__unit", "programme")
        .order_by("programme__code", "insats_type", "case__referred_on", "case_id")
    )


# --- caseloads -----------------------------------------------------------------------------


def caseloads(user: User, *, today: date | None = None) -> list[dict[str, Any]]:
    """Per coach: open cases by state, overstays, deadlines within 14 days (003)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    states = [State.AKTUALISERING.value, *INSATS_STATES]
    per_state = {f"n_{s}": Count("pk", filter=Q(state=s)) for s in states}
    # Any: django-stubs types the rows as a TypedDict that lacks the **per_state keys.
    rows: list[Any] = list(
        _in_scope(user)
        .open()
        .values("coach", "coach__first_name", "coach__last_name", "coach__username")
        .annotate(
            total=Count("pk"),
            overstays=Count("pk", filter=Q(deadline__lt=today)),
            due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon)),
            **per_state,
        )
        .order_by("coach__first_name", "coach__username")
    )
    for row in rows:
        row["by_state"] = [row[f"n_{s}"] for s in states]
    return rows


# --- lead times ----------------------------------------------------------------------------


def _first_leaving(insats_only: bool) -> Subquery:
    rows = Transition.objects.filter(
        case=OuterRef("pk"), from_state=State.AKTUALISERING, corrections__isnull=True
    )
    if insats_only:
        rows = rows.filter(to_state__in=INSATS_STATES)
    return Subquery(rows.order_by("effective_on", "seq").values("effective_on")[:1])


def with_lead_times(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Referral → decision and referral → first insats, in days, computed by the database.

    The decision is the first of: leaving aktualisering (an insats or *ej aktuell*) or
    being put in a waiting list (aktuell, waiting for a place).
    """
    queued = WaitingListEntry.objects.filter(case=OuterRef("pk")).exclude(
        resolution=WaitingListEntry.Resolution.WITHDRAWN
    )
    queued_on = Subquery(queued.order_by("decided_on").values("decided_on")[:1])
    left = _first_leaving(insats_only=False)
    return cases.annotate(
        left_on=left,
        queued_on=queued_on,
        first_insats_on=_first_leaving(insats_only=True),
    ).annotate(
        decided_on=Least(
            Coalesce(F("left_on"), F("queued_on"), output_field=DateField()),
            Coalesce(F("queued_on"), F("left_on"), output_field=DateField()),
        ),
        to_decision=ExpressionWrapper(
            F("decided_on") - F("referred_on"), output_field=DurationField()
        ),
        to_insats=ExpressionWrapper(
            F("first_insats_on") - F("referred_on"), output_field=DurationField()
        ),
    )


def median_days(cases: QuerySet[Case], field: str) -> float | None:
    """The median of an annotated duration: the database sorts and picks the middle rows."""
    values = cases.filter(**{f"{field}__isnull": False}).order_by(field).values_list(field)
    n = values.count()
    if n == 0:
        return None
    middle: list[timedelta] = [row[0] for row in values[(n - 1) // 2 : n // 2 + 1]]
    return sum(d.days for d in middle) / len(middle)


def lead_times(user: User) -> QuerySet[Case]:
    return (
        with_lead_times(_in_scope(user))
        .select_related("participant", "programme")
        .order_by("-referred_on", "-pk")
    )


def caseload_states() -> list[tuple[str, StrOrPromise]]:
    return [(s.value, s.label) for s in State if s != State.AVSLUTAD]
