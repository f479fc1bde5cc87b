"""The participant survey (003 "deltagarenkät"; 000 §4.3; 001): a one-time link that
expires after 30 days, answers apart from the journal, coaches reading only what the
participant shares, reminders, and results hidden under 5 answers."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework.models import Note, Transition
from casework.rules import CaseRuleError
from casework.services import case_assign_coach, case_start_insats, samrad_record
from surveys import selectors, services
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from tests.factories import UserFactory, make_pnr, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(ready_case, coordinator, coach):
    case_assign_coach(case_id=ready_case.pk, coach=coach, by=coordinator)
    case_start_insats(
        case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
    )
    ready_case.refresh_from_db()
    return ready_case


def _answers(case, occasion="inskrivning", scale="4", text="Bra stöd."):
    values = {}
    for q in services.questions_for(case, occasion):
        values[f"q{q.pk}"] = scale if q.kind == "skala" else text
    return values


def test_every_programme_ships_the_default_questions(jobbtorg):
    questions = SurveyQuestion.objects.filter(programme=jobbtorg)
    assert {q.occasion for q in questions} == {"inskrivning", "utskrivning"}
    assert {q.kind for q in questions} == {"skala", "fritext"}


def test_the_link_stores_only_a_hash_of_its_token(enrolled, coach):
    invitation, token = services.invitation_create(
        case_id=enrolled.pk, occasion="inskrivning", by=coach
    )
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.token_hash == services.token_hash(token)
    assert invitation.expires_at - invitation.created_at == timedelta(days=30)


def test_the_participant_answers_once_without_login(client, enrolled, coach):
    _inv, token = services.invitation_create(case_id=enrolled.pk, occasion="inskrivning", by=coach)
    url = reverse("surveys:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert str(enrolled.participant) not in html and "Logga ut" not in html
    notes, transitions = Note.objects.count(), Transition.objects.count()
    response = client.post(url, _answers(enrolled))
    assert response.status_code == 200 and "Tack för dina svar" in response.content.decode()
    saved = SurveyResponse.objects.get(case=enrolled)
    assert saved.channel == "lank" and saved.share_with_coach is False
    assert SurveyAnswer.objects.filter(response=saved, scale_value=4).count() == 3
    assert (Note.objects.count(), Transition.objects.count()) == (notes, transitions)
    # Single use: the same link now answers nothing.
    assert client.get(url).status_code == 410
    assert client.post(url, _answers(enrolled)).status_code == 410
    assert SurveyResponse.objects.count() == 1


def test_the_link_expires_after_30_days(client, enrolled, coach):
    _inv, token = services.invitation_create(case_id=enrolled.pk, occasion="inskrivning", by=coach)
    url = reverse("surveys:answer", args=[token])
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        assert client.get(url).status_code == 410
        assert client.post(url, _answers(enrolled)).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_an_unknown_token_opens_nothing(client):
    assert client.get(reverse("surveys:answer", args=["gissning"])).status_code == 410


def test_a_spent_token_is_refused_by_the_service_too(enrolled, coach):
    _inv, token = services.invitation_create(case_id=enrolled.pk, occasion="inskrivning", by=coach)
    services.response_submit_by_link(token=token, values={}, share=False)
    with pytest.raises(CaseRuleError):
        services.response_submit_by_link(token=token, values={}, share=False)
    assert SurveyInvitation.objects.get().used_at is not None


def test_the_coach_reads_answers_only_where_the_participant_agreed(client, enrolled, coach):
    services.response_submit_on_screen(
        case_id=enrolled.pk,
        occasion="inskrivning",
        values={
            q.pk: "Hemligt svar"
            for q in services.questions_for(enrolled, "inskrivning")
            if q.kind == "fritext"
        },
        share=False,
        by=coach,
    )
    client.force_login(coach)
    url = reverse("surveys:case", args=[enrolled.pk])
    html = client.get(url).content.decode()
    assert "Hemligt svar" not in html and "Besvarad" in html
    assert AccessLog.objects.filter(action="survey.case", user=coach).count() == 1
    _inv, token = services.invitation_create(case_id=enrolled.pk, occasion="utskrivning", by=coach)
    values = {
        q.pk: "Delat svar"
        for q in services.questions_for(enrolled, "utskrivning")
        if q.kind == "fritext"
    }
    services.response_submit_by_link(token=token, values=values, share=True)
    assert "Delat svar" in client.get(url).content.decode()


def test_a_scale_answer_outside_1_to_5_is_refused(enrolled, coach):
    scale = services.questions_for(enrolled, "inskrivning").filter(kind="skala").first()
    with pytest.raises(CaseRuleError):
        services.response_submit_on_screen(
            case_id=enrolled.pk,
            occasion="inskrivning",
            values={scale.pk: "7"},
            share=False,
            by=coach,
        )
    assert not SurveyResponse.objects.exists()


def test_unanswered_surveys_remind_the_coach(client, enrolled, coach):
    today = timezone.localdate()
    assert list(selectors.reminder_cases(coach, today=today)) == [enrolled]
    client.force_login(coach)
    assert "1 deltagarenkät att göra" in client.get(reverse("casework:caseload")).content.decode()
    page = client.get(reverse("surveys:reminders")).content.decode()
    assert str(enrolled.participant) in page
    services.response_submit_on_screen(
        case_id=enrolled.pk, occasion="inskrivning", values={}, share=False, by=coach
    )
    assert list(selectors.reminder_cases(coach, today=today)) == []


def _reminder_table(html: str) -> str:
    return html.split('id="survey-reminders-table"')[1].split("</table>")[0]


def test_the_caseload_names_each_due_survey_with_its_date_and_actions(client, enrolled, coach):
    client.force_login(coach)
    logs = AccessLog.objects.count()
    html = client.get(reverse("casework:caseload")).content.decode()
    table = _reminder_table(html)
    assert str(enrolled.participant) in table
    assert enrolled.participant.masked_personnummer in table
    assert "Deltagarenkät vid inskrivning" in table
    assert "2026-01-05" in table  # due since the first insats started
    assert "Ingen giltig länk" in table
    assert reverse("surveys:on_screen", args=[enrolled.pk, "inskrivning"]) in table
    assert reverse("surveys:create_link", args=[enrolled.pk, "inskrivning"]) in table
    # The names are personal data on the page: the caseload's one log row names them.
    (row,) = AccessLog.objects.order_by("pk")[logs:]
    assert row.action == "case.caseload" and enrolled.participant_id in row.participant_ids


def test_a_sent_link_shows_when_and_the_action_becomes_resend(client, enrolled, coach):
    client.force_login(coach)
    client.post(reverse("surveys:create_link", args=[enrolled.pk, "inskrivning"]))
    table = _reminder_table(client.get(reverse("casework:caseload")).content.decode())
    assert f"Skickad {timezone.localdate():%Y-%m-%d}" in table
    assert f"Skicka ny länk till {enrolled.participant}" in table


def test_a_link_sent_late_in_the_evening_shows_the_swedish_date(client, enrolled, coach):
    """00:30 in Stockholm is still the day before in UTC: the row shows the local date."""
    client.force_login(coach)
    with time_machine.travel("2026-03-02 23:30:00+00:00", tick=False):
        client.post(reverse("surveys:create_link", args=[enrolled.pk, "inskrivning"]))
        table = _reminder_table(client.get(reverse("casework:caseload")).content.decode())
    assert "Skickad 2026-03-03" in table


def test_each_rows_form_carries_a_csrf_token_the_server_accepts(enrolled, coach):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coach)
    table = _reminder_table(client.get(reverse("casework:caseload")).content.decode())
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', table)
    action = reverse("surveys:create_link", args=[enrolled.pk, "inskrivning"])
    assert f'<form method="post" action="{action}" class="inline">' in table
    response = client.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert SurveyInvitation.objects.filter(case=enrolled).count() == 1


def test_a_name_in_a_survey_row_is_escaped(client, enrolled, coach):
    type(enrolled.participant).objects.filter(pk=enrolled.participant_id).update(
        first_name="<b>Åsa</b>", last_name="Berg & Son"
    )
    client.force_login(coach)
    table = _reminder_table(client.get(reverse("casework:caseload")).content.decode())
    assert "<b>" not in table
    assert "Svara på skärmen med &lt;b&gt;Åsa&lt;/b&gt; Berg &amp; Son" in table


def test_an_exit_survey_is_due_from_the_exit_date(client, enrolled, coach, coordinator):
    from casework.services import case_exit

    exit_on = timezone.localdate() - timedelta(days=3)
    case_exit(case_id=enrolled.pk, on=exit_on, reason_code="ARBETE", by=coordinator)
    (row,) = selectors.reminder_rows(coach, today=timezone.localdate())
    assert (row.case, row.occasion, row.since) == (enrolled, "utskrivning", exit_on)
    client.force_login(coach)
    table = _reminder_table(client.get(reverse("surveys:reminders")).content.decode())
    assert "Deltagarenkät vid utskrivning" in table and f"{exit_on:%Y-%m-%d}" in table


def test_another_coachs_due_survey_is_not_on_my_list(client, enrolled):
    other = UserFactory(username="coach_annan", roles=["coach"], units=[unit()])
    client.force_login(other)
    html = client.get(reverse("casework:caseload")).content.decode()
    assert "survey-reminders-table" not in html and str(enrolled.participant) not in html


def test_another_coach_cannot_make_a_link_for_the_case(enrolled):
    other = UserFactory(roles=["coach"], units=[unit()])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.invitation_create(case_id=enrolled.pk, occasion="inskrivning", by=other)


def _responses(refer, coordinator, n, scale):
    for i in range(n):
        case = refer(personnummer_value=make_pnr(date(1991, 1, 1), 800 + i + 10 * scale))
        services.response_submit_on_screen(
            case_id=case.pk,
            occasion="inskrivning",
            values={
                q.pk: str(scale)
                for q in services.questions_for(case, "inskrivning")
                if q.kind == "skala"
            },
            share=False,
            by=coordinator,
        )


def test_results_are_hidden_under_five_answers(client, refer, coordinator):
    _responses(refer, coordinator, 4, scale=2)
    figures = selectors.results(coordinator)["inskrivning"]
    assert figures and all(f.hidden for f in figures)
    assert all(f.mean is None for f in figures if f.label != "Antal besvarade enkäter")
    client.force_login(coordinator)
    html = client.get(reverse("surveys:results")).content.decode()
    assert "Färre än 5 svar" in html and "2,0" not in html and "2.0" not in html
    _responses(refer, coordinator, 1, scale=4)
    figures = selectors.results(coordinator)["inskrivning"]
    means = {f.mean for f in figures if f.mean is not None}
    assert not any(f.hidden for f in figures) and means == {2.4}
    assert any(f.n == 5 for f in figures)


def test_results_count_only_the_users_units(refer, coordinator):
    _responses(refer, coordinator, 5, scale=3)
    outsider = UserFactory(roles=["coordinator"], units=[unit("linkoping-arena")])
    assert all(not rows for rows in selectors.results(outsider).values())


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_the_indicator_report_carries_the_periods_results_hidden_under_five(refer, coordinator):
    from casework.indicators import periods, report

    _responses(refer, coordinator, 4, scale=2)
    t1 = report.build(periods.tertial(2026, 1))["survey"]["inskrivning"]
    assert t1["responses"] == 4
    assert t1["questions"] and all(q["hidden"] and q["mean"] is None for q in t1["questions"])
    _responses(refer, coordinator, 1, scale=4)
    t1 = report.build(periods.tertial(2026, 1))["survey"]["inskrivning"]
    assert t1["responses"] == 5 and {q["mean"] for q in t1["questions"]} == {2.4}
    assert report.build(periods.tertial(2026, 2))["survey"]["inskrivning"]["responses"] == 0
    other_unit = report.build(periods.tertial(2026, 1), unit_ids=[unit("sikta-norra").pk])
    assert other_unit["survey"]["inskrivning"]["responses"] == 0


def test_the_caseload_shows_the_first_five_due_surveys_and_links_to_all(
    client, refer, coordinator, coach
):
    """The caseload builds only the five rows it shows and counts the rest in the database
    (issue 15), oldest due first, as the full list does."""
    started = []
    for day in (9, 3, 7, 5, 8, 4, 6):  # started out of order: the oldest due comes first
        case = refer()
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
        on = date(2026, 1, day)
        case_start_insats(case_id=case.pk, insats="kartlaggning", on=on, by=coordinator)
        started.append((on, case))
    oldest = [case for _on, case in sorted(started, key=lambda s: s[0])]
    rows, total = selectors.reminder_page(coach, today=timezone.localdate(), limit=5)
    assert total == 7 and [r.case for r in rows] == oldest[:5]
    assert [r.since for r in rows] == [date(2026, 1, d) for d in (3, 4, 5, 6, 7)]
    assert [r.case for r in selectors.reminder_rows(coach, today=timezone.localdate())] == oldest
    client.force_login(coach)
    html = client.get(reverse("casework:caseload")).content.decode()
    table = _reminder_table(html)
    assert table.count("<tr>") == 1 + 5  # the head and five rows
    shown = [reverse("casework:case_detail", args=[c.pk]) for c in (oldest[0], oldest[6])]
    assert f'href="{shown[0]}"' in table and f'href="{shown[1]}"' not in table
    assert "7 deltagarenkäter att göra" in html
    assert f'href="{reverse("surveys:reminders")}">Visa alla 7 deltagarenkäter att göra' in html
    page = client.get(reverse("surveys:reminders")).content.decode()
    assert _reminder_table(page).count("<tr>") == 1 + 7 and "Visa alla" not in page
