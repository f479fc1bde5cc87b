"""Reads of the survey: reminders for the coach, shared answers, and results only in
aggregate, hidden when fewer than 5 answers are behind a figure (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import INSATS_STATES, Case, ExitReason, Spell, State
from casework.prepared import Prepared, prepare_models
from casework.selectors import compiled_for, day_marker, day_value, visible_cases
from casework.signals import ReminderGroup
from programmes.models import Programme, Unit

from .models import Occasion, QuestionKind, SurveyAnswer, SurveyInvitation, SurveyResponse

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from casework.indicators.periods import Period
    from casework.indicators.queries import Filters

MIN_ANSWERS = 5
EXIT_REMINDER_DAYS = 30
# What a reminder row reads of its case: the shown name, the masked number and the state
# (which survey is due); nothing else is selected (issue 15).
SHOWN = (
    "state",
    "shielded",
    "shown_name",
    "participant__first_name",
    "participant__last_name",
    "participant__personnummer",
)


def _answered(occasion: str) -> Exists:
    return Exists(SurveyResponse.objects.filter(case=OuterRef("pk"), occasion=occasion))


def reminder_cases(user: User, *, today: date) -> QuerySet[Case]:
    """The coach's cases with a survey due: enrolment once an insats runs, exit within 30
    days of the exit (not for ej aktuell), each until answered (003 "Samordnare")."""
    mine = visible_cases(user).filter(coach=user)
    due_in = Q(state__in=INSATS_STATES) & ~Q(_answered(Occasion.INSKRIVNING))
    due_out = (
        Q(state=State.AVSLUTAD, state_since__gte=today - timedelta(days=EXIT_REMINDER_DAYS))
        & ~Q(exit_reason=ExitReason.EJ_AKTUELL)
        & ~Q(_answered(Occasion.UTSKRIVNING))
    )
    return mine.filter(due_in | due_out).select_related("participant").order_by("pk")


def due_occasion(case: Case) -> str:
    return Occasion.UTSKRIVNING if case.state == State.AVSLUTAD else Occasion.INSKRIVNING


@dataclass(frozen=True)
class SurveyReminder:
    """One named row on the coach's list: who, which survey, due since when, and the
    live link already sent, if any (its time, never the link itself)."""

    case: Case
    occasion: str
    occasion_label: str
    since: date
    link_sent_at: Any = None  # datetime of the newest unused, unexpired link

    @property
    def answer_on_screen_url(self) -> str:
        return reverse("surveys:on_screen", args=[self.case.pk, self.occasion])

    @property
    def new_link_url(self) -> str:
        return reverse("surveys:create_link", args=[self.case.pk, self.occasion])


def _first_insats_start() -> Subquery:
    insats = Spell.objects.filter(case=OuterRef("pk"), state__in=INSATS_STATES)
    return Subquery(insats.values("case").annotate(m=Min("start_on")).values("m")[:1])


def caseload_reminder_group(
    sender: object, *, user: User, today: date, limit: int | None = None, **kwargs: Any
) -> ReminderGroup:
    """The survey rows on the coach's caseload (casework.signals.caseload_reminders): the
    first `limit` of them, and how many are due in all, counted in the same query."""
    rows, total = reminder_page(user, today=today, limit=limit)
    return ReminderGroup(
        "surveys/_caseload_reminders.html",
        rows,
        all_url=reverse("surveys:reminders"),
        total=total,
    )


def reminder_rows(user: User, *, today: date) -> list[SurveyReminder]:
    """The coach's due surveys as rows, oldest first: enrolment due since the first
    insats started, exit due since the exit date (003 "Samordnare")."""
    return reminder_page(user, today=today)[0]


def _due_query(user: User, limit: int | None) -> Prepared:
    """The due surveys, compiled once per coach and page size (`compiled_for`): building
    this query cost ~4 ms of CPU on every caseload, running it well under one (issue 15)."""

    def build(alias: str) -> Prepared:
        marker, exit_since = day_marker(alias, "exit_since")
        since = DbCase(
            When(state=State.AVSLUTAD, then=F("state_since")),
            default=Coalesce(_first_insats_start(), F("state_since")),
            output_field=DateField(),
        )
        today = exit_since + timedelta(days=EXIT_REMINDER_DAYS)
        due = reminder_cases(user, today=today).annotate(
            due_since=since, due_total=Window(Count("pk"))
        )
        due = due.only(*SHOWN).order_by("due_since", "pk")
        return prepare_models(due if limit is None else due[:limit], alias, marker)

    return compiled_for(user, f"surveys-due-{limit}", build)


def reminder_page(
    user: User, *, today: date, limit: int | None = None
) -> tuple[list[SurveyReminder], int]:
    """The first `limit` (all when None) due surveys and the number due in all.

    The due date and the order are the database's, so a unit's imported history (every
    case with an enrolment survey due) builds only the rows shown: two queries, whatever
    the number due (issue 15)."""
    query = _due_query(user, limit)
    exit_since = today - timedelta(days=EXIT_REMINDER_DAYS)
    cases: list[Any] = query.instances(exit_since=day_value(query.alias, exit_since))
    if not cases:
        return [], 0
    live = SurveyInvitation.objects.filter(
        case__in=[c.pk for c in cases], used_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("created_at")
    sent = {(i.case_id, i.occasion): i.created_at for i in live}
    rows = []
    for case in cases:
        occasion = due_occasion(case)
        rows.append(
            SurveyReminder(
                case=case,
                occasion=occasion,
                occasion_label=str(Occasion(occasion).label),
                since=case.due_since,
                link_sent_at=sent.get((case.pk, occasion)),
            )
        )
    return rows, cases[0].due_total


def shared_responses(case: Case) -> list[SurveyResponse]:
    """Only the answers the participant agreed to share with the coach."""
    return list(
        SurveyResponse.objects.filter(case=case, share_with_coach=True)
        .prefetch_related("answers__question")
        .order_by("answered_at")
    )


@dataclass(frozen=True)
class Figure:
    """One aggregate; `hidden` when fewer than MIN_ANSWERS answers are behind it."""

    label: str
    occasion: str
    n: int
    mean: float | None

    @property
    def hidden(self) -> bool:
        return self.n < MIN_ANSWERS


def suppress(n: int, mean: float | None) -> tuple[int, float | None]:
    return (n, mean) if n >= MIN_ANSWERS else (n, None)


def _units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(members=user)


def results(user: User, *, programme_id: int | None = None) -> dict[str, list[Figure]]:
    """Per occasion: the number of responses and each scale question's mean, computed in
    the database over the cases of the user's units; no figure from fewer than 5."""
    answers = SurveyAnswer.objects.filter(
        response__case__unit__in=_units(user),
        question__kind=QuestionKind.SCALE,
        scale_value__isnull=False,
    )
    responses = SurveyResponse.objects.filter(case__unit__in=_units(user))
    if programme_id is not None:
        answers = answers.filter(response__programme_id=programme_id)
        responses = responses.filter(programme_id=programme_id)
    out: dict[str, list[Figure]] = {o: [] for o in Occasion.values}
    counts = responses.values("occasion").annotate(n=Count("pk")).order_by("occasion")
    row: Any  # the two loops' rows are different values() dicts
    for row in counts:
        label = str(_("Antal besvarade enkäter"))
        out[row["occasion"]].append(Figure(label, row["occasion"], row["n"], None))
    rows = (
        answers.values("question__text", "response__occasion")
        .annotate(n=Count("pk"), mean=Avg("scale_value"))
        .order_by("response__occasion", "question__text")
    )
    for row in rows:
        n, mean = suppress(row["n"], row["mean"])
        out[row["response__occasion"]].append(
            Figure(row["question__text"], row["response__occasion"], n, mean)
        )
    return out


def result_programmes(user: User) -> QuerySet[Programme]:
    """The programmes run by the user's organisations: the results' choice of programme."""
    return Programme.objects.filter(owner__units__members=user).distinct().order_by("code")


def report_section(period: Period, filters: Filters) -> dict[str, Any]:
    """The indicator report's "survey": per occasion, the responses answered in P (local
    date) and each scale question's mean over them, for the cases the report counts
    (`casework.indicators.queries.Filters`); a mean from fewer than 5 answers is null
    and `hidden`. Two queries."""
    responses = SurveyResponse.objects.filter(answered_at__date__range=(period.start, period.end))
    if filters.programme_ids is not None:
        responses = responses.filter(case__programme_id__in=list(filters.programme_ids))
    if filters.unit_ids is not None:
        responses = responses.filter(case__unit_id__in=list(filters.unit_ids))
    if filters.municipality_ids is not None:
        responses = responses.filter(case__home_municipality_id__in=list(filters.municipality_ids))
    out: dict[str, dict[str, Any]] = {o: {"responses": 0, "questions": []} for o in Occasion.values}
    counted = responses.values("occasion").annotate(n=Count("pk")).order_by("occasion")
    for count in counted:
        out[count["occasion"]]["responses"] = count["n"]
    answers = (
        SurveyAnswer.objects.filter(
            response__in=responses, question__kind=QuestionKind.SCALE, scale_value__isnull=False
        )
        .values("question__text", "response__occasion")
        .annotate(n=Count("pk"), mean=Avg("scale_value"))
        .order_by("response__occasion", "question__text")
    )
    for row in answers:
        n, mean = suppress(row["n"], row["mean"])
        out[row["response__occasion"]]["questions"].append(
            {
                "text": row["question__text"],
                "n": n,
                "mean": None if mean is None else _one_decimal(mean),
                "hidden": mean is None,
            }
        )
    return out


def _one_decimal(value: float) -> float:
    """Half up, as the report's shares (K1): 3.25 is 3.3."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
