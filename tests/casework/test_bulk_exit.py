"""Bulk exit: one reason and date, each case through case_exit, each refusal shown."""

from datetime import date

import time_machine

from casework.bulk import cases_exit
from casework.models import Case, State, Transition
from tests.factories import UserFactory, unit

from .coach_fixtures import *  # noqa: F403  (fixtures)

URL = "/arenden/avsluta-flera/"
TODAY = date(2026, 3, 2)


@time_machine.travel(TODAY, tick=False)
def test_each_case_the_rules_let_through_is_exited_and_each_refusal_named(coach, make_coach_case):
    first, second = make_coach_case(), make_coach_case()
    early = make_coach_case(on=date(2026, 3, 1))  # its last event is after the exit date
    outcomes = cases_exit(
        case_ids=[first.pk, second.pk, early.pk],
        on=date(2026, 2, 20),
        reason_code="AVBROTT",
        by=coach,
    )
    assert [o.done for o in outcomes] == [True, True, False]
    assert outcomes[2].refusal
    states = dict(Case.objects.values_list("pk", "state"))
    assert states[first.pk] == states[second.pk] == State.AVSLUTAD
    assert states[early.pk] == State.KARTLAGGNING


@time_machine.travel(TODAY, tick=False)
def test_a_case_outside_scope_is_not_found_and_unchanged(coach, make_coach_case):
    case = make_coach_case()
    stranger = UserFactory(roles=["coach"], units=[unit()])
    [outcome] = cases_exit(case_ids=[case.pk], on=TODAY, reason_code="AVBROTT", by=stranger)
    assert outcome.refusal == "Ärendet finns inte." and outcome.case is None
    assert Case.objects.get(pk=case.pk).state == State.KARTLAGGNING
    assert not Transition.objects.filter(case=case, to_state=State.AVSLUTAD).exists()


@time_machine.travel(TODAY, tick=False)
def test_the_page_exits_the_chosen_cases_and_shows_the_outcome(client, coach, make_coach_case):
    chosen, kept = make_coach_case(), make_coach_case()
    client.force_login(coach)
    response = client.post(
        URL, {"cases": [chosen.pk], "on": "2026-03-02", "reason_code": "ARBETE", "reason": ""}
    )
    html = response.content.decode()
    assert "1 ärende är avslutat." in html
    assert Case.objects.get(pk=chosen.pk).state == State.AVSLUTAD
    assert Case.objects.get(pk=kept.pk).state == State.KARTLAGGNING


@time_machine.travel(TODAY, tick=False)
def test_the_page_refuses_a_non_iso_date_and_a_missing_reason(client, coach, make_coach_case):
    case = make_coach_case()
    client.force_login(coach)
    html = client.post(
        URL, {"cases": [case.pk], "on": "02/03/2026", "reason_code": ""}
    ).content.decode()
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in html and "Välj avslutsorsak." in html
    assert Case.objects.get(pk=case.pk).state == State.KARTLAGGNING
