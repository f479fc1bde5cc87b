"""Coaches for imported and other unassigned cases: bulk, reassignment, a leaving coach."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AccessLog
from casework.assignment import caseload_move, cases_assign_coach, unassigned_cases
from casework.models import Case, CoachAssignment
from casework.rules import CaseRuleError
from casework.services import case_assign_coach, case_start_insats, samrad_record
from tests.factories import UserFactory, make_pnr, unit

UNASSIGNED = "/arenden/utan-coach/"


@pytest.fixture
def other_coach(db):
    return UserFactory(
        username="coach2", first_name="Bo", last_name="Berg", roles=["coach"], units=[unit()]
    )


def started(refer, coordinator):
    case = refer()
    samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator)
    return case


def test_unassigned_list_holds_open_cases_without_coach_in_any_state(
    client, coordinator, coach, refer
):
    queued, in_insats = refer(), started(refer, coordinator)
    assigned = refer()
    case_assign_coach(case_id=assigned.pk, coach=coach, by=coordinator)
    assert list(unassigned_cases(coordinator)) == [queued, in_insats]
    client.force_login(coordinator)
    html = client.get(UNASSIGNED).content.decode()
    # The case's checkbox: a coach's option may carry the same number as a case.
    assert f'name="cases" value="{in_insats.pk}"' in html
    assert f'name="cases" value="{assigned.pk}"' not in html
    assert AccessLog.objects.filter(user=coordinator, action="case.unassigned").count() == 1


def test_bulk_assignment_writes_one_journal_row_per_case(client, coordinator, coach, refer):
    cases = [refer(), started(refer, coordinator), refer()]
    client.force_login(coordinator)
    response = client.post(
        UNASSIGNED, {"cases": [c.pk for c in cases[:2]], "coach": coach.pk}, follow=True
    )
    assert "2 ärenden har fått coach." in response.content.decode()
    assert [Case.objects.get(pk=c.pk).coach for c in cases] == [coach, coach, None]
    rows = CoachAssignment.objects.filter(to_coach=coach, actor=coordinator)
    assert sorted(rows.values_list("case_id", flat=True)) == [cases[0].pk, cases[1].pk]


def test_bulk_assignment_refused_for_a_case_outside_scope_changes_nothing(
    coordinator, coach, refer
):
    mine = refer()
    elsewhere_coordinator = UserFactory(roles=["coordinator"], units=[unit("jarfalla-ame")])
    theirs = refer(
        unit=unit("jarfalla-ame"),
        by=elsewhere_coordinator,
        personnummer_value=make_pnr(date(1985, 1, 1), 555),
    )
    with pytest.raises(CaseRuleError, match="finns inte"):
        cases_assign_coach(case_ids=[mine.pk, theirs.pk], coach=coach, by=coordinator)
    assert Case.objects.filter(coach__isnull=False).count() == 0
    assert CoachAssignment.objects.count() == 0


def test_bulk_assignment_refused_by_a_rule_changes_nothing(coordinator, coach, refer):
    first, second = refer(), refer()
    case_assign_coach(case_id=second.pk, coach=coach, by=coordinator)
    with pytest.raises(CaseRuleError, match=f"Ärende {second.pk}"):
        cases_assign_coach(case_ids=[first.pk, second.pk], coach=coach, by=coordinator)
    assert Case.objects.get(pk=first.pk).coach is None
    assert CoachAssignment.objects.count() == 1


def test_bulk_post_with_a_foreign_case_id_shows_a_swedish_error(client, coordinator, coach, refer):
    mine = refer()
    client.force_login(coordinator)
    response = client.post(UNASSIGNED, {"cases": [mine.pk, 999999], "coach": coach.pk})
    assert "finns inte" in response.content.decode()
    assert Case.objects.get(pk=mine.pk).coach is None


def test_reassignment_on_the_case_page_needs_a_reason(
    client, coordinator, coach, other_coach, refer
):
    case = refer()
    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    client.force_login(coordinator)
    url = reverse("casework:case_action", args=[case.pk, "reassign"])
    refused = client.post(url, {"coach": other_coach.pk, "reason": ""})
    assert refused.status_code == 200 and "Motivering" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).coach == coach
    client.post(url, {"coach": other_coach.pk, "reason": "Coachen slutar"})
    row = CoachAssignment.objects.latest("pk")
    assert (row.from_coach, row.to_coach, row.reason) == (coach, other_coach, "Coachen slutar")
    assert Case.objects.get(pk=case.pk).coach == other_coach


def test_a_coach_is_not_offered_reassignment(client, coordinator, coach, refer):
    case = refer()
    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    client.force_login(coach)
    assert 'data-action="reassign"' not in client.get(f"/arenden/{case.pk}/").content.decode()


def test_caseload_move_moves_every_open_case_with_the_reason(
    client, coordinator, coach, other_coach, refer
):
    cases = [refer(), started(refer, coordinator)]
    for case in cases:
        case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    client.force_login(coordinator)
    client.post(
        reverse("casework:move_caseload"),
        {"from_coach": coach.pk, "to_coach": other_coach.pk, "reason": "Slutar 31 mars"},
    )
    assert set(Case.objects.values_list("coach", flat=True)) == {other_coach.pk}
    moved = CoachAssignment.objects.filter(from_coach=coach, to_coach=other_coach)
    assert moved.count() == 2 and set(moved.values_list("reason", flat=True)) == {"Slutar 31 mars"}


def test_caseload_move_without_reason_is_refused(coordinator, coach, other_coach, refer):
    case = refer()
    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    with pytest.raises(CaseRuleError):
        caseload_move(from_coach=coach, to_coach=other_coach, by=coordinator, reason=" ")
    assert Case.objects.get(pk=case.pk).coach == coach
