"""Actions on the participant page: buttons from the state machine, refusals change nothing."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from casework.models import Attendance, Extension, Note, Transition
from casework.services import case_exit, case_start_insats, note_add, spell_extend
from programmes.models import Programme
from tests.factories import UserFactory, unit, workplace

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 3, 2)
BUTTON = re.compile(r'data-action="([a-z_]+)" data-kind="transition"')


def shown_transitions(client, case) -> set[str]:
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    return set(BUTTON.findall(html))


def allowed(case, user) -> set[str]:
    case.refresh_from_db()
    return {t.name for t in case.get_available_user_state_transitions(user)}


def action_url(case, name):
    return reverse("casework:case_action", args=[case.pk, name])


def case_state(case) -> tuple:
    case.refresh_from_db()
    return (case.state, case.deadline, case.last_event_on, case.history.count())


@time_machine.travel(TODAY, tick=False)
def test_coordinator_on_a_new_referral_sees_first_insats_starts_and_exit(
    client, coordinator, ready_case
):
    client.force_login(coordinator)
    shown = shown_transitions(client, ready_case)
    assert shown == allowed(ready_case, coordinator)
    assert shown == {
        "start_kartlaggning",
        "start_jobbsok",
        "start_arbetstraning",
        "start_arbetspraktik",
        "start_anstallning",
        "exit",
    }


@time_machine.travel(TODAY, tick=False)
def test_coach_on_a_new_referral_sees_no_transition(client, coach, coordinator, ready_case):
    from casework.services import case_assign_coach

    case_assign_coach(case_id=ready_case.pk, coach=coach, by=coordinator)
    client.force_login(coach)
    assert shown_transitions(client, ready_case) == allowed(ready_case, coach) == set()


@time_machine.travel(TODAY, tick=False)
def test_coach_in_kartlaggning_sees_moves_and_exit_but_not_the_current_insats(
    client, coach, coach_case
):
    client.force_login(coach)
    shown = shown_transitions(client, coach_case)
    assert shown == allowed(coach_case, coach)
    assert "start_kartlaggning" not in shown
    assert {"start_arbetstraning", "exit"} <= shown


@time_machine.travel(TODAY, tick=False)
def test_spent_budget_hides_the_start(client, coach, coach_case):
    case_start_insats(case_id=coach_case.pk, insats="jobbsok", on=date(2026, 2, 5), by=coach)
    client.force_login(coach)
    shown = shown_transitions(client, coach_case)
    # Kartläggning's one month was used from 2026-01-05 to 2026-02-04.
    assert shown == allowed(coach_case, coach)
    assert "start_kartlaggning" not in shown and "start_arbetstraning" in shown


@time_machine.travel(TODAY, tick=False)
def test_closed_case_offers_no_transition(client, coach, coach_case):
    case_exit(case_id=coach_case.pk, on=date(2026, 2, 1), reason_code="ARBETE", by=coach)
    client.force_login(coach)
    assert shown_transitions(client, coach_case) == set()


@time_machine.travel(TODAY, tick=False)
def test_form_says_it_may_be_back_dated_and_names_the_previous_event(client, coach, coach_case):
    client.force_login(coach)
    html = client.get(action_url(coach_case, "note")).content.decode()
    assert "inte i framtiden och inte före ärendets senaste händelse 2026-01-05" in html
    assert 'value="2026-03-02"' in html
    assert 'aria-describedby="id_on-hint"' in html


@time_machine.travel(TODAY, tick=False)
def test_htmx_opens_the_form_as_a_fragment_and_plain_get_as_a_page(client, coach, coach_case):
    client.force_login(coach)
    fragment = client.get(action_url(coach_case, "note"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert 'name="text"' in fragment.content.decode()
    page = client.get(action_url(coach_case, "note")).content.decode()
    assert "<html" in page and 'name="text"' in page and "Tidslinje" in page


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2026-03-03", "ligger i framtiden"),
        ("2026-01-04", "före ärendets senaste händelse 2026-01-05"),
    ],
)
def test_effective_date_out_of_bounds_is_refused_and_nothing_written(
    client, coach, coach_case, on, message
):
    client.force_login(coach)
    before = case_state(coach_case)
    response = client.post(action_url(coach_case, "start_jobbsok"), {"on": on, "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html and message in html
    assert 'aria-describedby="id_on-hint id_on-error"' in html
    assert 'id="id_on-error"' in html
    assert case_state(coach_case) == before
    assert not Transition.objects.filter(case=coach_case, to_state="jobbsok").exists()


@time_machine.travel(TODAY, tick=False)
def test_back_dated_action_is_recorded_on_its_date(client, coach, coach_case):
    client.force_login(coach)
    response = client.post(
        action_url(coach_case, "start_arbetstraning"), {"on": "2026-02-01", "reason": "Redo"}
    )
    assert response.status_code == 302
    row = Transition.objects.get(case=coach_case, to_state="arbetstraning")
    assert row.effective_on == date(2026, 2, 1) and row.actor == coach
    coach_case.refresh_from_db()
    assert coach_case.state == "arbetstraning" and coach_case.deadline == date(2026, 7, 31)


@time_machine.travel(TODAY, tick=False)
def test_extension_beyond_the_rule_is_refused_with_its_reason_and_changes_nothing(
    client, coach, coach_case
):
    case_start_insats(case_id=coach_case.pk, insats="arbetstraning", on=date(2026, 2, 1), by=coach)
    spell_extend(case_id=coach_case.pk, on=date(2026, 2, 10), reason="Första", by=coach)
    client.force_login(coach)
    before = case_state(coach_case)
    response = client.post(
        action_url(coach_case, "extend"), {"on": "2026-03-01", "reason": "En gång till"}
    )
    html = response.content.decode()
    assert "Insatsen är redan förlängd 1 gång av högst 1." in html
    assert "Inget har ändrats i ärendet." in html
    assert Extension.objects.filter(case=coach_case).count() == 1
    assert case_state(coach_case) == before


@time_machine.travel(TODAY, tick=False)
def test_posting_a_transition_the_user_cannot_see_is_refused(
    client, coach, coordinator, ready_case
):
    from casework.services import case_assign_coach

    case_assign_coach(case_id=ready_case.pk, coach=coach, by=coordinator)
    client.force_login(coach)
    before = case_state(ready_case)
    response = client.post(action_url(ready_case, "start_kartlaggning"), {"on": "2026-03-01"})
    assert response.status_code == 403
    assert "inte tillåten" in response.content.decode()
    assert case_state(ready_case) == before
    assert Transition.objects.filter(case=ready_case).count() == 1


@time_machine.travel(TODAY, tick=False)
def test_out_of_scope_post_answers_404_and_writes_nothing(client, coach_case):
    stranger = UserFactory(roles=["coach"], units=[unit()])
    client.force_login(stranger)
    before = case_state(coach_case)
    for name, data in [
        ("note", {"on": "2026-03-01", "text": "Smyg"}),
        ("exit", {"on": "2026-03-01", "reason_code": "ARBETE", "employment_form": "reguljar"}),
    ]:
        assert client.post(action_url(coach_case, name), data).status_code == 404
    assert case_state(coach_case) == before
    assert not Note.objects.filter(case=coach_case).exists()


@time_machine.travel(TODAY)
def test_note_correction_keeps_the_original_readable_and_struck_through(client, coach, coach_case):
    original = note_add(case_id=coach_case.pk, text="Fel uppgift", on=date(2026, 2, 1), by=coach)
    client.force_login(coach)
    response = client.post(
        action_url(coach_case, "note_correct"), {"note": original.pk, "text": "Rätt uppgift"}
    )
    assert response.status_code == 302
    correction = Note.objects.get(supersedes=original)
    assert correction.text == "Rätt uppgift" and correction.effective_on == date(2026, 2, 1)
    assert Note.objects.get(pk=original.pk).text == "Fel uppgift"
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert '<del class="struck">Fel uppgift</del>' in html
    assert html.index("Fel uppgift") < html.index("Rätt uppgift")


@time_machine.travel(TODAY, tick=False)
def test_start_arbetspraktik_at_a_municipal_workplace_then_exit_to_work(client, coach, coach_case):
    place = workplace(kommunal=True)
    client.force_login(coach)
    form = client.get(action_url(coach_case, "start_arbetspraktik")).content.decode()
    assert "Kommunens parkförvaltning (kommunal verksamhet)" in form
    client.post(
        action_url(coach_case, "start_arbetspraktik"),
        {"on": "2026-02-01", "workplace": place.pk, "reason": ""},
    )
    client.post(
        action_url(coach_case, "exit"),
        {"on": "2026-03-01", "reason_code": "ARBETE", "employment_form": "reguljar"},
    )
    coach_case.refresh_from_db()
    assert coach_case.state == "avslutad" and coach_case.exit_reason == "ARBETE"
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "Kommunens parkförvaltning (kommunal verksamhet)" in html
    assert "Avslutad: Arbete" in html


@time_machine.travel(TODAY, tick=False)
def test_extension_needing_samrad_is_refused_until_one_is_recorded(client, coach, coach_case):
    case_start_insats(
        case_id=coach_case.pk,
        insats="anstallning",
        on=date(2026, 2, 1),
        by=coach,
        workplace=workplace(kommunal=True),
    )
    client.force_login(coach)
    data = {"on": "2026-03-01", "reason": "Behöver mer tid"}
    refused = client.post(action_url(coach_case, "extend"), data).content.decode()
    assert "kräver ett samråd med Arbetsförmedlingen" in refused
    client.post(action_url(coach_case, "samrad"), {"on": "2026-02-20", "note": "Af är med"})
    assert client.post(action_url(coach_case, "extend"), data).status_code == 302
    assert Extension.objects.get(case=coach_case).samrad.effective_on == date(2026, 2, 20)


@time_machine.travel(date(2026, 8, 1), tick=False)
def test_follow_up_after_an_ended_anstallning_records_income_support(client, coach, coach_case):
    page = reverse("casework:case_detail", args=[coach_case.pk])
    client.force_login(coach)
    case_start_insats(
        case_id=coach_case.pk,
        insats="anstallning",
        on=date(2026, 1, 10),
        by=coach,
        workplace=workplace(kommunal=True),
    )
    assert 'data-action="followup"' not in client.get(page).content.decode()  # still employed
    case_start_insats(case_id=coach_case.pk, insats="jobbsok", on=date(2026, 2, 1), by=coach)
    assert 'data-action="followup"' in client.get(page).content.decode()
    response = client.post(
        action_url(coach_case, "followup"), {"on": "2026-07-18", "receives_eb": "nej"}
    )
    assert response.status_code == 302
    followup = coach_case.followups.get()
    assert followup.receives_eb is False and followup.spell_ended_on == date(2026, 2, 1)
    assert 'data-action="followup"' not in client.get(page).content.decode()  # recorded


@time_machine.travel(TODAY, tick=False)
def test_assessment_on_the_programme_step_scale(client, coach, coach_case):
    client.force_login(coach)
    form = client.get(action_url(coach_case, "assessment")).content.decode()
    assert "Redo att söka arbete eller studier" in form
    client.post(action_url(coach_case, "assessment"), {"on": "2026-03-01", "step": "4"})
    assert coach_case.assessments.get().step == 4
    page = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "Stegbedömning: 4 Redo att söka arbete eller studier" in page


@time_machine.travel(TODAY, tick=False)
def test_attendance_is_offered_only_where_the_programme_tracks_it(client, coach, coach_case, refer):
    client.force_login(coach)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert 'data-action="attendance"' not in html
    arena = unit("linkoping-arena")
    staff = UserFactory(roles=["coordinator", "coach"], units=[arena])
    bromodellen = Programme.objects.get(code="BROMODELLEN")
    case = refer(programme=bromodellen, unit=arena, by=staff, baseline_step=1)
    # Attendance is for weeks in an insats (002 §5): the kartläggning starts first.
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 2, 2), by=staff)
    client.force_login(staff)
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert 'data-action="attendance"' in html
    response = client.post(
        action_url(case, "attendance"),
        {"week": "2026-02-25", "days_present": "4", "planned_days": "5"},
    )
    assert response.status_code == 302
    row = Attendance.objects.get(case=case)
    assert row.week == date(2026, 2, 23) and row.days_present == 4
    client.post(
        action_url(case, "attendance"),
        {"week": "2026-02-23", "days_present": "5", "planned_days": "5"},
    )
    assert Attendance.objects.get(case=case).days_present == 5
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "vecka 9 2026 (måndag 2026-02-23)" in html


@time_machine.travel(TODAY, tick=False)
def test_bromodellen_maximum_is_set_by_the_coordinator_only(client, refer):
    arena = unit("linkoping-arena")
    coordinator = UserFactory(roles=["coordinator"], units=[arena])
    coach = UserFactory(roles=["coach"], units=[arena])
    bromodellen = Programme.objects.get(code="BROMODELLEN")
    case = refer(programme=bromodellen, unit=arena, by=coordinator, baseline_step=1)
    from casework.services import case_assign_coach

    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator)
    client.force_login(coach)
    refused = client.post(
        action_url(case, "start_arbetstraning"),
        {"on": "2026-02-01", "planned_end": "2026-08-01"},
    ).content.decode()
    assert "Maxtiden per deltagare sätts av samordnaren" in refused
    assert not Transition.objects.filter(case=case, to_state="arbetstraning").exists()
    client.force_login(coordinator)
    form = client.get(action_url(case, "start_arbetstraning")).content.decode()
    assert 'name="planned_end"' in form
    client.post(
        action_url(case, "start_arbetstraning"), {"on": "2026-02-01", "planned_end": "2026-08-01"}
    )
    case.refresh_from_db()
    assert case.state == "arbetstraning" and case.deadline == date(2026, 8, 1)


@time_machine.travel(TODAY, tick=False)
def test_osa_needs_its_planned_end(client, coach, coach_case):
    place = workplace(kommunal=True)
    client.force_login(coach)
    data = {"on": "2026-02-01", "workplace": place.pk, "is_osa": "on"}
    refused = client.post(action_url(coach_case, "start_anstallning"), data).content.decode()
    assert "Ange planerat slutdatum för insatsen." in refused
    client.post(action_url(coach_case, "start_anstallning"), data | {"planned_end": "2027-06-30"})
    coach_case.refresh_from_db()
    assert coach_case.state == "anstallning" and coach_case.deadline == date(2027, 6, 30)


@time_machine.travel(TODAY, tick=False)
def test_kompetenshojande_enrolment_starts_and_ends_beside_the_insats(client, coach, coach_case):
    client.force_login(coach)
    client.post(action_url(coach_case, "enrol_start"), {"on": "2026-02-01", "course": "SFI"})
    page = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert 'data-action="enrol_end"' in page
    assert "Kompetenshöjande insats startade: SFI" in page
    client.post(action_url(coach_case, "enrol_end"), {"on": "2026-02-20", "course": "SFI"})
    page = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert "Kompetenshöjande insats avslutades: SFI" in page
    assert 'data-action="enrol_end"' not in page
    coach_case.refresh_from_db()
    assert coach_case.state == "kartlaggning"


@time_machine.travel(TODAY, tick=False)
def test_actions_need_the_csrf_token(coach, coach_case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coach)
    response = client.post(action_url(coach_case, "note"), {"on": "2026-03-01", "text": "x"})
    assert response.status_code == 403
    assert not Note.objects.filter(case=coach_case).exists()


@time_machine.travel(TODAY, tick=False)
def test_unknown_action_is_404(client, coach, coach_case):
    client.force_login(coach)
    assert client.get(action_url(coach_case, "start_avslutad")).status_code == 404
