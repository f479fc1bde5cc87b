"""My caseload: own open cases, deadlines and overstays, filters, a constant query count."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from casework.services import case_assign_coach, case_exit, case_start_insats
from tests.factories import UserFactory, make_pnr, unit, workplace

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 3, 2)
URL = "/arenden/"


def names_in_table(html: str) -> list[str]:
    table = html[html.index('<table id="caseload">') :]
    return re.findall(r'<a href="/arenden/(\d+)/">', table[: table.index("</table>")])


@time_machine.travel(TODAY, tick=False)
def test_lists_own_open_cases_by_deadline_with_days_left_and_overstay(
    client, coach, make_coach_case, refer, coordinator
):
    late = make_coach_case(on=date(2026, 1, 5))  # deadline 2026-02-04: 26 days over
    soon = make_coach_case(on=date(2026, 2, 10))  # deadline 2026-03-09: 7 days left
    later = make_coach_case(on=date(2026, 2, 20))  # deadline 2026-03-19
    closed = make_coach_case(on=date(2026, 2, 1))
    case_exit(case_id=closed.pk, on=date(2026, 2, 15), reason_code="AVBROTT", by=coach)
    others = refer()  # not assigned to this coach
    client.force_login(coach)
    html = client.get(reverse("casework:caseload")).content.decode()
    assert names_in_table(html) == [str(late.pk), str(soon.pk), str(later.pk)]
    assert str(others.pk) not in names_in_table(html)
    assert '<tr class="overstay">' in html and "Överskriden med 26 dagar" in html
    assert "<td>2026-03-09</td>" in html and "<td>7</td>" in html
    assert late.participant.masked_personnummer in html
    assert late.participant.personnummer not in html


@time_machine.travel(TODAY, tick=False)
def test_reminders_on_top_list_due_overstay_and_follow_up(client, coach, make_coach_case):
    make_coach_case(on=date(2026, 1, 5))
    make_coach_case(on=date(2026, 2, 10))
    employed = make_coach_case(on=date(2026, 1, 5))
    place = workplace(kommunal=True)
    case_start_insats(
        case_id=employed.pk, insats="anstallning", on=date(2026, 1, 6), by=coach, workplace=place
    )
    case_exit(case_id=employed.pk, on=date(2026, 1, 20), reason_code="ARBETE", by=coach)
    with time_machine.travel(date(2026, 7, 10), tick=False):
        client.force_login(coach)
        html = client.get(reverse("casework:caseload")).content.decode()
    top = html[html.index("Att följa upp") : html.index('<table id="caseload">')]
    assert "Uppföljning 6 månader efter anställning, 2026-07-20" in top
    assert "Överskriden med" in top


@time_machine.travel(TODAY, tick=False)
def test_filters_narrow_the_list(client, coach, make_coach_case):
    late = make_coach_case(on=date(2026, 1, 5))
    soon = make_coach_case(on=date(2026, 2, 10))
    young = make_coach_case(
        on=date(2026, 2, 20), personnummer_value=make_pnr(date(2004, 1, 1), 981), gender="M"
    )
    client.force_login(coach)

    def listed(**params):
        return names_in_table(client.get(URL, params).content.decode())

    assert listed(overstay="ja") == [str(late.pk)]
    assert listed(due_soon="ja") == [str(soon.pk)]
    assert listed(gender="M") == [str(young.pk)]
    assert listed(age_group="till-24") == [str(young.pk)]
    assert listed(age_group="30-49") == [str(late.pk), str(soon.pk)]
    assert listed(state="jobbsok") == []
    assert len(listed(state="kartlaggning")) == 3


@time_machine.travel(TODAY, tick=False)
def test_one_access_log_row_lists_the_participants_shown(client, coach, make_coach_case):
    cases = [make_coach_case(on=date(2026, 2, 10)) for _ in range(3)]
    client.force_login(coach)
    before = AccessLog.objects.count()
    client.get(URL, {"due_soon": "ja"})
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.first()
    assert row.participant_ids == sorted(c.participant_id for c in cases)
    assert row.action == "case.caseload" and "due_soon=ja" in row.filter_description


def _queries_for_caseload(client, coach) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(TODAY, tick=False)
def test_query_count_does_not_grow_with_the_caseload(
    client, coach, make_coach_case, django_assert_max_num_queries
):
    place = workplace(kommunal=True)

    def add(n):
        for i in range(n):
            case = make_coach_case(on=date(2026, 1, 5) if i % 2 else date(2026, 2, 10))
            if i % 3 == 0:
                case_start_insats(
                    case_id=case.pk,
                    insats="anstallning",
                    on=date(2026, 2, 11),
                    by=coach,
                    workplace=place,
                )
                case_start_insats(case_id=case.pk, insats="jobbsok", on=date(2026, 2, 12), by=coach)

    client.force_login(coach)
    add(2)
    small = _queries_for_caseload(client, coach)
    add(30)  # more than one page
    with django_assert_max_num_queries(small):
        client.get(URL)
    with django_assert_max_num_queries(small):
        client.get(URL, {"sida": 2, "overstay": "ja"})


@time_machine.travel(TODAY, tick=False)
def test_inactive_cases_listed_for_the_coach_and_on_the_coordinator_page(
    client, coach, coordinator, make_coach_case, refer
):
    idle = make_coach_case(on=date(2026, 1, 5))  # last event 2026-01-05: 56 days
    make_coach_case(on=date(2026, 2, 20))
    unassigned = refer(on=date(2026, 1, 10))
    client.force_login(coach)
    html = client.get(URL).content.decode()
    section = html[html.index("Ingen händelse på 30 dagar") : html.index('<table id="caseload">')]
    assert f"/arenden/{idle.pk}/" in section and section.count("<li>") == 1
    client.force_login(coordinator)
    page = client.get(reverse("casework:inactive")).content.decode()
    assert f"/arenden/{idle.pk}/" in page and f"/arenden/{unassigned.pk}/" in page
    assert "56" in page


@time_machine.travel(TODAY, tick=False)
def test_inactive_page_is_scoped_to_the_coordinators_units(client, coach, make_coach_case):
    make_coach_case(on=date(2026, 1, 5))
    elsewhere = UserFactory(roles=["coordinator"], units=[unit("jarfalla-ame")])
    client.force_login(elsewhere)
    assert "Inga inaktiva ärenden." in client.get(reverse("casework:inactive")).content.decode()


def test_coach_is_not_shown_another_coachs_reassigned_case(client, coach, coordinator, refer):
    case = refer()
    other = UserFactory(roles=["coach"], units=[unit()])
    case_assign_coach(case_id=case.pk, coach=other, by=coordinator)
    client.force_login(coach)
    assert f"/arenden/{case.pk}/" not in client.get(URL).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_inactivity_threshold_comes_from_the_setting(client, coach, make_coach_case, settings):
    settings.CASEWORK_INACTIVITY_DAYS = 60
    make_coach_case(on=date(2026, 1, 5))  # 56 days without an event
    client.force_login(coach)
    html = client.get(URL).content.decode()
    assert "Ingen händelse på" not in html


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("idle_days", [5, 30])
def test_caseload_reads_its_reminders_and_idle_cases_in_one_query_as_the_selectors_do(
    coach, coordinator, make_coach_case, refer, settings, idle_days
):
    from casework.selectors import (
        caseload_attention,
        coach_followups,
        inactive_cases,
        reminders_for,
    )

    settings.CASEWORK_INACTIVITY_DAYS = idle_days
    make_coach_case(on=date(2026, 1, 5))  # overstayed since 2026-02-04, idle since 01-05
    make_coach_case(on=date(2026, 2, 10))  # due 2026-03-09, idle at 5 days
    make_coach_case(on=date(2026, 2, 25))  # due 03-25: neither, or idle at 5 days
    make_coach_case(on=date(2026, 2, 27))  # neither
    closed = make_coach_case(on=date(2026, 1, 6))
    case_exit(case_id=closed.pk, on=date(2026, 2, 1), reason_code="AVBROTT", by=coach)
    refer(on=date(2026, 1, 2))  # nobody's
    followups = coach_followups(coach)
    with CaptureQueriesContext(connection) as queries:
        reminders, idle = caseload_attention(coach, today=TODAY, followups=followups)
    assert len(queries) == 1
    assert reminders == reminders_for(coach, today=TODAY, followups=followups)
    assert [r.kind for r in reminders] == ["overstay", "due"]
    expected_idle = list(inactive_cases(coach, today=TODAY).filter(coach=coach))
    assert idle == expected_idle and len(idle) == (3 if idle_days == 5 else 1)


@time_machine.travel(TODAY, tick=False)
def test_the_compiled_caseload_queries_answer_only_for_their_own_user_and_roles(
    client, coach, make_coach_case
):
    """The caseload's reminder, follow-up and survey queries are compiled once per user and
    role set (selectors.compiled_for). A neighbour's attack: coach B opens the caseload
    right after coach A, and A right after B; each sees only their own cases. A role taken
    away takes effect at the next request, compiled queries or not."""
    from django.contrib.auth import get_user_model

    from casework.selectors import caseload_attention, coach_followups
    from surveys.selectors import reminder_page

    mine = make_coach_case(on=date(2026, 1, 5))  # overstayed: on A's list
    other = UserFactory(username="coach-b", roles=["coach"], units=[unit()])

    def shown(user) -> set[int]:
        reminders, idle = caseload_attention(user, today=TODAY, followups=coach_followups(user))
        due, _total = reminder_page(user, today=TODAY)
        return {r.case.pk for r in reminders} | {c.pk for c in idle} | {r.case.pk for r in due}

    for user in (coach, other, coach, other):
        assert shown(user) == ({mine.pk} if user == coach else set())
    client.force_login(other)
    assert mine.person_name not in client.get(URL).content.decode()

    coach.groups.clear()
    assert shown(get_user_model().objects.get(pk=coach.pk)) == set()


def test_the_compiled_case_gate_follows_each_case_and_each_user(
    client, coach, coordinator, make_coach_case
):
    """`case_in_scope_or_404` is compiled once per user and role set. An attack with it
    warm: coach B asks for A's case right after opening an own case, and A for B's; each
    gets 404. The scope is the data's, not the compiled query's: a reassignment moves the
    case to the other coach at the next request."""
    mine = make_coach_case()
    other = UserFactory(username="coach-b", roles=["coach"], units=[unit()])
    theirs = make_coach_case()
    case_assign_coach(case_id=theirs.pk, coach=other, by=coordinator, reason="Byte")

    def status(user, case) -> int:
        client.force_login(user)
        return client.get(reverse("casework:case_detail", args=[case.pk])).status_code

    for _ in range(2):
        assert (status(coach, mine), status(coach, theirs)) == (200, 404)
        assert (status(other, theirs), status(other, mine)) == (200, 404)
    case_assign_coach(case_id=mine.pk, coach=other, by=coordinator, reason="Byte")
    assert (status(coach, mine), status(other, mine)) == (404, 200)
