"""My caseload and the inactivity watch: lists with a constant number of queries (L1, G3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache

from audit.services import log_read

from .. import rules, selectors
from ..access import role_required
from ..filters import CaseloadFilter
from ..markup import SLOT, html_join, url_pattern
from ..models import Case, State
from ..saved_filters import saved_filters
from ..signals import ReminderGroup, caseload_reminders

PAGE_SIZE = 25
REMINDER_ROWS = 5
# One caseload row; the columns are the table's headers in casework/caseload.html.
ROW = (
    '<tr{}>\n    <td><a href="{}">{}</a></td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n'
    '    <td class="num">{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n  </tr>'
)
OVERSTAY_CLASS = mark_safe(' class="overstay"')
# A reminder on top of the page, and an idle case under it.
REMINDER = '<li{}>{} – <a href="{}">{}</a> ({}, {})</li>'
IDLE = '<li><a href="{}">{}</a> ({}) – {}</li>'


def caseload_rows(
    cases: list, today: date, followups: list, href: Callable[[int], str]
) -> list[dict]:
    """Each case with its days in state, days left or overstay, and next follow-up due.

    `followups` is `selectors.coach_followups`: the page's cases are among them. The
    shown text is prepared here, so the template only places it (issue 15: the 25 rows
    cost ~7 ms of CPU when the template resolved each attribute, URL and date itself).
    """
    due: dict[int, date] = {}
    for case, _ended, on in followups:
        due[case.pk] = min(on, due.get(case.pk, on))
    # Translated once, not per row: get_state_display() hashes every lazy label of the
    # field's choices, eight translations a row (~2.5 ms of CPU for 25 rows).
    states = {value: str(label) for value, label in State.choices}
    return [_row(case, today, due.get(case.pk), states, href) for case in cases]


def case_href() -> Callable[[int], str]:
    """The case page's URL for any case id, reversed once."""
    return url_pattern("casework:case_detail", SLOT)


def _row(
    case: Case,
    today: date,
    followup_due: date | None,
    states: dict[str, str],
    href: Callable[[int], str],
) -> dict:
    overstay = rules.overstay_days(case.deadline, today)
    days_left = (case.deadline - today).days if case.deadline and not overstay else None
    return {
        "case": case,
        "href": href(case.pk),
        "name": case.person_name,
        "pnr": case.participant.masked_personnummer,
        "programme": case.programme.code,
        "state": states.get(case.state, case.state),
        "deadline": _iso(case.deadline),
        "days_in_state": (today - case.state_since).days,
        "days_left": days_left,
        "overstay": overstay,
        "days_left_text": _days_left_text(overstay, days_left),
        "followup_due": followup_due,
        "followup": _iso(followup_due),
    }


def _days_left_text(overstay: int, days_left: int | None) -> str:
    if overstay:
        text = ngettext("Överskriden med %(days)s dag", "Överskriden med %(days)s dagar", overstay)
        return text % {"days": overstay}
    return "–" if days_left is None else str(days_left)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "–"


def rows_html(rows: list[dict]) -> SafeString:
    """The rows' markup, built in Python as `LeanSelect` builds its options (issue 15): the
    Django template took ~3.5 ms of CPU for 25 rows, this ~0.8 ms (Jinja2 ~0.45 ms, but it
    is no dependency of the project). `html_join` escapes every value as the template did."""
    return html_join(ROW, (_cells(row) for row in rows))


def _cells(row: dict) -> tuple:
    return (
        OVERSTAY_CLASS if row["overstay"] else "",
        row["href"],
        row["name"],
        row["pnr"],
        row["programme"],
        row["state"],
        row["days_in_state"],
        row["deadline"],
        row["days_left_text"],
        row["followup"],
    )


def reminders_html(reminders: list, href: Callable[[int], str]) -> SafeString:
    """The reminder list's items, built as the rows are: with each item's include, URL and
    translated sentence the template took ~1.5 ms of CPU for five (issue 15)."""
    return html_join(
        REMINDER,
        (
            (
                OVERSTAY_CLASS if r.kind == "overstay" else "",
                r.text,
                href(r.case.pk),
                r.case.person_name,
                r.case.participant.masked_personnummer,
                r.case.programme.code,
            )
            for r in reminders
        ),
    )


def idle_html(cases: list, href: Callable[[int], str]) -> SafeString:
    """The idle cases' items: a coach's list can be long (27 for the demo coach), and each
    item's URL, date and translated sentence cost the template ~0.15 ms (issue 15)."""
    latest = gettext("senaste händelse %(last)s")
    return html_join(
        IDLE,
        (
            (
                href(c.pk),
                c.person_name,
                c.participant.masked_personnummer,
                latest % {"last": c.last_event_on.isoformat()},
            )
            for c in cases
        ),
    )


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
    mine = selectors.caseload(user).only(*selectors.LIST_COLUMNS)
    filterset = CaseloadFilter(request.GET or None, queryset=mine)
    invalid = filterset.is_bound and not filterset.is_valid()
    cases = Case.objects.none() if invalid else filterset.qs
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("sida"))
    followups = selectors.coach_followups(user)  # one query for the rows and the reminders
    href = case_href()  # for the rows, the reminders and the idle cases
    rows = caseload_rows(list(page.object_list), today, followups, href)
    reminders, inactive_rows = selectors.caseload_attention(user, today=today, followups=followups)
    groups = [first_rows(group) for group in other_reminders(user, today=today)]
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
            "rows_html": rows_html(rows),
            "reminders": reminders,
            "reminders_html": reminders_html(reminders, href),
            "reminder_groups": groups,
            "inactive": inactive_rows,
            "inactive_html": idle_html(inactive_rows, href),
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
