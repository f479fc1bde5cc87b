"""My caseload and the inactivity watch: lists with a constant number of queries (L1, G3)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from audit.services import log_read

from .. import rules, selectors
from ..access import role_required
from ..filters import CaseloadFilter
from ..models import Case
from ..saved_filters import saved_filters
from ..signals import ReminderGroup, caseload_reminders

PAGE_SIZE = 25
REMINDER_ROWS = 5
# The columns the caseload shows or computes with; nothing else is read (issue 15).
SHOWN = (
    "participant__first_name",
    "participant__last_name",
    "participant__personnummer",
    "programme__code",
    "state",
    "state_since",
    "deadline",
    "last_event_on",
    "coach_id",
    "version",
    "shielded",
    "shown_name",
)


def caseload_rows(cases: list, today: date, followups: list) -> list[dict]:
    """Each case with its days in state, days left or overstay, and next follow-up due.

    `followups` is `selectors.coach_followups`: the page's cases are among them. The
    shown text is prepared here, so the template only places it (issue 15: the 25 rows
    cost ~7 ms of CPU when the template resolved each attribute, URL and date itself).
    """
    due: dict[int, date] = {}
    for case, _ended, on in followups:
        due[case.pk] = min(on, due.get(case.pk, on))
    return [_row(case, today, due.get(case.pk)) for case in cases]


def _row(case: Case, today: date, followup_due: date | None) -> dict:
    overstay = rules.overstay_days(case.deadline, today)
    return {
        "case": case,
        "href": reverse("casework:case_detail", args=[case.pk]),
        "name": case.person_name,
        "pnr": case.participant.masked_personnummer,
        "programme": case.programme.code,
        "state": case.get_state_display(),
        "deadline": _iso(case.deadline),
        "days_in_state": (today - case.state_since).days,
        "days_left": (case.deadline - today).days if case.deadline and not overstay else None,
        "overstay": overstay,
        "followup_due": followup_due,
        "followup": _iso(followup_due),
    }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "–"


def other_reminders(user, *, today: date) -> list[ReminderGroup]:
    """The reminders other apps add to the caseload (casework.signals.caseload_reminders)."""
    answers: list[tuple[object, object]] = list(
        caseload_reminders.send(sender=Case, user=user, today=today, limit=REMINDER_ROWS)
    )
    groups = [group for _receiver, group in answers if isinstance(group, ReminderGroup)]
    return [group for group in groups if group.rows]


def first_rows(group: ReminderGroup) -> dict:
    """A group as the caseload shows it: the first rows, and how many there are in all, so
    that a unit's imported history does not push the coach's own cases off the page. A
    receiver that was sent `limit` built only those rows and counted the rest."""
    total = len(group.rows) if group.total is None else group.total
    return {"group": group, "rows": group.rows[:REMINDER_ROWS], "total": total}


@login_required
@role_required("coach", "coordinator")
@never_cache
def caseload(request):
    """The coach's open cases, deadline first, with the reminders on top (issue 5)."""
    today = timezone.localdate()
    user = request.user
    mine = selectors.caseload(user).only(*SHOWN)
    filterset = CaseloadFilter(request.GET or None, queryset=mine)
    invalid = filterset.is_bound and not filterset.is_valid()
    cases = Case.objects.none() if invalid else filterset.qs
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("sida"))
    followups = selectors.coach_followups(user)  # one query for the rows and the reminders
    rows = caseload_rows(list(page.object_list), today, followups)
    reminders = selectors.reminders_for(user, today=today, followups=followups)
    groups = [first_rows(group) for group in other_reminders(user, today=today)]
    inactive_rows = list(
        selectors.inactive_cases(user, today=today)
        .filter(coach=user)
        .select_related(None)
        .select_related("participant", "programme")
        .only(*SHOWN)
    )
    shown = [r["case"].participant_id for r in rows]
    shown += [r.case.participant_id for r in reminders]
    shown += [r.case.participant_id for group in groups for r in group["rows"]]
    shown += [c.participant_id for c in inactive_rows]
    log_read(
        user=user,
        action="case.caseload",
        participant_ids=shown,
        route=request.path,
        filter_description=filterset.describe(),
    )
    return render(
        request,
        "casework/caseload.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "reminders": reminders,
            "reminder_groups": groups,
            "inactive": inactive_rows,
            "inactivity_days": selectors.inactivity_days(),
            "today": today,
            "saved_filters": saved_filters(user, "caseload"),
        },
    )


@login_required
@role_required("coach", "coordinator")
@never_cache
def inactive(request):
    """Open cases in scope with no recorded event for N days, for coaches and coordinators."""
    today = timezone.localdate()
    cases = selectors.inactive_cases(request.user, today=today)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = [{"case": c, "idle_days": (today - c.last_event_on).days} for c in page.object_list]
    log_read(
        user=request.user,
        action="case.inactive",
        participant_ids=[r["case"].participant_id for r in rows],
        route=request.path,
        filter_description=f"inaktiva minst {selectors.inactivity_days()} dagar",
    )
    return render(
        request,
        "casework/inactive.html",
        {"page": page, "rows": rows, "inactivity_days": selectors.inactivity_days()},
    )
