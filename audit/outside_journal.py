"""What is stored about a person outside the journal (issue 13): the participant's survey
answers (kept apart from the journal, 003 "deltagarenkät") and the provider side of
Bromodellen (002 §5–6): placements and attendance weeks.

The register extract and the history view list them (G1: everything stored about the
person); gallring counts them as entries and blanks the survey's free text (R1–R3).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Attendance
from providers.models import Placement
from surveys.models import QuestionKind, SurveyAnswer, SurveyResponse

from .extract import Event, Item, _items, person_name

PURGED_TEXT = "[gallrad]"


def _answer_item(answer: SurveyAnswer) -> Item:
    if answer.question.kind == QuestionKind.SCALE:
        return Item(answer.question.text, _("%(v)s av 5") % {"v": answer.scale_value})
    return Item(answer.question.text, answer.text, review=True)


def survey_events(cases) -> list[Event]:
    """One event per survey response, with every answer; free text marked for review."""
    responses = (
        SurveyResponse.objects.filter(case__in=cases)
        .prefetch_related("answers__question")
        .order_by("answered_at", "pk")
    )
    events = []
    for response in responses:
        items = [
            Item(_("tillfälle"), response.get_occasion_display()),
            Item(_("besvarad via"), response.get_channel_display()),
            Item(_("coachen får läsa svaren"), _("ja") if response.share_with_coach else _("nej")),
        ]
        answers = sorted(response.answers.all(), key=lambda a: (a.question.position, a.pk))
        items += [_answer_item(a) for a in answers if a.scale_value or a.text]
        events.append(
            Event(
                effective_on=timezone.localdate(response.answered_at),
                recorded_at=response.answered_at,
                kind=_("deltagarenkät (utanför journalen)"),
                who=_("deltagaren"),
                items=items,
                ref=f"surveyresponse #{response.pk}",
            )
        )
    return events


def placement_events(cases) -> list[Event]:
    """Each placement with a provider, as it stands (planned end, ended on), and each change
    to it from its history: who placed, who ended and when."""
    events = []
    records = Placement.history.filter(case_id__in=cases.values("pk")).select_related(
        "history_user", "provider"
    )
    for record in records.order_by("history_date", "history_id"):
        items = _items(record.instance)
        events.append(
            Event(
                effective_on=record.ended_on or timezone.localdate(record.created_at),
                recorded_at=record.history_date,
                kind=_("placering hos leverantör"),
                who=person_name(record.history_user),
                items=items,
                ref=f"placement #{record.id} ({record.history_id})",
            )
        )
    return events


def attendance_events(cases) -> list[Event]:
    """Every recorded attendance week, corrections included (the history of each week)."""
    records = Attendance.history.filter(case_id__in=cases.values("pk")).select_related(
        "history_user"
    )
    return [
        Event(
            effective_on=record.week,
            recorded_at=record.history_date,
            kind=_("närvaro"),
            who=person_name(record.history_user),
            items=[
                Item(_("vecka"), f"{record.week:%G-W%V}"),
                Item(_("närvarodagar"), str(record.days_present)),
                Item(_("planerade dagar"), str(record.planned_days)),
            ],
            ref=f"attendance #{record.id} ({record.history_id})",
        )
        for record in records.order_by("history_date", "history_id")
    ]


def events(cases) -> list[Event]:
    return survey_events(cases) + placement_events(cases) + attendance_events(cases)


def bump_last_entries(bump: Callable[[int, date | None], None]) -> None:
    """The latest survey answer, attendance week and placement change per person (R1)."""
    answered = SurveyResponse.objects.values_list("case__participant_id").annotate(
        d=Max(TruncDate("answered_at"))
    )
    weeks = Attendance.objects.values_list("case__participant_id").annotate(d=Max("week"))
    placed = Placement.objects.values_list("case__participant_id").annotate(
        d=Max(TruncDate("created_at")), e=Max("ended_on")
    )
    for pid, day in list(answered) + list(weeks):
        bump(pid, day)
    for pid, created, ended in placed:
        bump(pid, created)
        bump(pid, ended)


def purge_text(case_ids: list[int], update: Callable[..., None]) -> None:
    """The participant's own words in the survey (R3); scale values stay for the figures."""
    answers = SurveyAnswer.objects.filter(response__case_id__in=case_ids).exclude(text="")
    update(SurveyAnswer, list(answers.values_list("pk", flat=True)), text=PURGED_TEXT)
