"""The participant page: header, actions and one chronological timeline (D2, C2, L1)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from audit.services import log_read

from .. import personnummer, rules
from ..case_page import one_read, with_rules
from ..markup import SLOT, html_join, url_pattern
from ..models import INSATS_STATES, Case, State
from ..progression import step_history
from ..selectors import case_in_scope_or_404, roles_of
from ..target_groups import target_group_versions
from ..timeline import timeline
from .registry import other_actions, transition_actions

ATTENDANCE_WEEKS = 12
# One action the page offers: a form that opens the action's form (htmx, or a full page).
ACTION = (
    '<form method="get" action="{0}" hx-get="{0}" hx-target="#action-panel">\n'
    '    <button type="submit"{1} data-action="{2}" data-kind="{3}">{4}</button>\n  </form>'
)
SECONDARY = mark_safe(' class="secondary"')


def header(case: Case, today) -> dict:
    """The facts at the top of the page: deadline or overstay, extensions used of allowed."""
    rule = case.programme.rule_for(case.state) if case.state in INSATS_STATES else None
    overstay = rules.overstay_days(case.deadline, today) if case.is_open else 0
    return {
        "age": personnummer.age_on(case.participant.birth_date, today),
        "rule": rule,
        "extensions_used": rules.extension_count(case, case.state) if rule else 0,
        "overstay": overstay,
        "days_left": (case.deadline - today).days if case.deadline and not overstay else None,
        "days_in_state": (today - case.state_since).days,
        "past_overstays": [
            {"label": _state_label(o.state), "o": o} for o in rules.overstays(case, today)
        ],
        "early_exit": rules.early_exit(case),
        "waiting": waiting_place(case),
    }


def waiting_place(case: Case) -> dict | None:
    """The case's open waiting-list entry and its place in line (referral order), if any."""
    entry = case.waiting_entries.filter(resolved_at__isnull=True).first()
    if entry is None:
        return None
    line = (
        type(entry)
        .objects.waiting()
        .filter(programme_id=entry.programme_id, insats_type=entry.insats_type)
    )
    ahead = (
        line.filter(case__referred_on__lt=case.referred_on).count()
        + line.filter(case__referred_on=case.referred_on, case_id__lt=case.pk).count()
    )
    return {"entry": entry, "label": State(entry.insats_type).label, "position": ahead + 1}


def _state_label(state: str) -> str:
    return _("Hela ärendet") if state == rules.CASE_LIMIT else str(State(state).label)


def attendance_weeks(case: Case, today) -> list:
    if not case.programme.tracks_attendance:
        return []
    since = today - timedelta(weeks=ATTENDANCE_WEEKS)
    return list(case.attendance.filter(week__gte=since).order_by("-week"))


def render_detail(request, case: Case, *, action=None, form=None, status: int = 200):
    """One access-log row per view of the page, whatever form is open (L1)."""
    today = timezone.localdate()
    user = request.user
    log_read(
        user=user, action="case.detail", participant_ids=[case.participant_id], route=request.path
    )
    with one_read():  # the transitions, actions and header share one read of the facts
        context = _context(case, user, today)
    context.update(action=action, form=form)
    return render(request, "casework/case_detail.html", context, status=status)


def actions_html(case: Case, transitions: list, others: list) -> SafeString:
    """The page's action buttons, built as the caseload's rows are (issue 15): the template
    reversed each action's URL twice, 18 reverse() calls for the demo coach's case. Here
    the case's action URL is reversed once; an action's name is a slug, written as it is."""
    href = url_pattern("casework:case_action", case.pk, SLOT)
    rows = [(href(a.name), "", a.name, "transition", a.label) for a in transitions]
    rows += [(href(a.name), SECONDARY, a.name, "other", a.label) for a in others]
    return html_join(ACTION, rows)


def _context(case: Case, user, today) -> dict:
    with_rules(case)
    transitions, others = transition_actions(case, user), other_actions(case, user)
    return {
        "case": case,
        "person": case.participant,
        "today": today,
        "transitions": transitions,
        "others": others,
        "actions_html": actions_html(case, transitions, others),
        "timeline": timeline(case),
        "attendance": attendance_weeks(case, today),
        "steps": step_history(case) if case.programme.uses_step_scale else [],
        "target_groups": target_group_versions(case),
        "may_correct": user.has_perm("casework.add_note"),
        # A coordinator's own caseload is empty: back to their lists instead (issue 12).
        "back_to_caseload": case.coach_id == user.pk or "coordinator" not in roles_of(user),
        **header(case, today),
    }


@login_required
@never_cache
def case_detail(request, pk: int):
    case = case_in_scope_or_404(request.user, pk, route=request.path)
    return render_detail(request, case)
