"""Survey answers, placements and attendance: stored apart from the journal, but in the
register extract (G1) and in gallring (R1–R3) like everything else about the person."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from audit.extract import as_text, register_extract
from casework.models import Attendance, Case
from providers.services import provider_attendance_record
from surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from surveys.services import questions_for, response_submit_on_screen
from tests.audit.test_gallra import TODAY, at, people, text_hits  # noqa: F401
from tests.factories import UserFactory, unit
from tests.programmes.provider_world import build_provider_world

pytestmark = pytest.mark.django_db


def _answer(case: Case, by, *, text: str, scale: int = 4) -> SurveyResponse:
    values = {
        q.pk: (str(scale) if q.kind == "skala" else text)
        for q in questions_for(case, "inskrivning")
    }
    return response_submit_on_screen(
        case_id=case.pk, occasion="inskrivning", values=values, share=False, by=by
    )


@pytest.fixture
def placed():
    world = build_provider_world()
    _answer(world.placed, world.coordinator, text="Handledaren på Bilda lyssnar.")
    provider_attendance_record(
        case_id=world.placed.pk, week=date(2026, 2, 9), days_present=3, planned_days=5,
        by=world.bilda,
    )  # fmt: skip
    provider_attendance_record(
        case_id=world.placed.pk, week=date(2026, 2, 9), days_present=4, planned_days=5,
        by=world.bilda,
    )  # fmt: skip
    return world


def test_the_extract_lists_the_persons_survey_answers_placement_and_attendance(placed):
    text = as_text(register_extract(placed.placed.participant))
    assert "deltagarenkät (utanför journalen)" in text
    assert "Handledaren på Bilda lyssnar.  [GRANSKA]" in text
    assert "4 av 5" in text
    assert "placering hos leverantör" in text and "Bilda" in text and "2026-06-30" in text
    # Both versions of the week are there: the first entry and its correction.
    assert "närvarodagar: 3" in text and "närvarodagar: 4" in text
    assert "vecka: 2026-W07" in text


def test_the_extract_of_another_person_has_none_of_their_answers(placed):
    text = as_text(register_extract(placed.unplaced.participant))
    assert "Handledaren på Bilda" not in text
    assert "placering hos leverantör" not in text and "närvaro" not in text


def test_the_auditors_extract_page_shows_the_answers(client, placed):
    auditor = UserFactory(
        username="granskare_arena", roles=["auditor"], units=[unit("linkoping-arena")]
    )
    client.force_login(auditor)
    url = reverse("audit:register_extract", args=[placed.placed.participant_id])
    html = client.get(url).content.decode()
    assert "Handledaren på Bilda lyssnar." in html
    assert "placering hos leverantör" in html.lower()


def _old_survey(case: Case, on: date, text: str) -> SurveyResponse:
    with at(on):
        response = SurveyResponse.objects.create(
            case=case, programme=case.programme, occasion="utskrivning", channel="lank"
        )
    questions = SurveyQuestion.objects.filter(programme=case.programme, occasion="utskrivning")
    SurveyAnswer.objects.create(
        response=response, question=questions.filter(kind="fritext")[0], text=text
    )
    SurveyAnswer.objects.create(
        response=response, question=questions.filter(kind="skala")[0], scale_value=2
    )
    return response


@time_machine.travel(TODAY, tick=False)
def test_survey_free_text_does_not_survive_gallring_and_the_scale_stays(people):  # noqa: F811
    response = _old_survey(people["old"], date(2020, 6, 20), "Purgida vill inte prata om hälsan")
    call_command("gallra", "--execute")
    assert text_hits("vill inte prata om hälsan") == []
    answers = {a.text or a.scale_value for a in response.answers.all()}
    assert answers == {"[gallrad]", 2}


@time_machine.travel(TODAY, tick=False)
def test_a_recent_survey_answer_is_an_entry_that_delays_gallring(people, capsys):  # noqa: F811
    _old_survey(people["old"], date(2030, 6, 1), "Sent svar")
    call_command("gallra")
    assert f"#{people['old'].participant_id}:" not in capsys.readouterr().out


@time_machine.travel(TODAY, tick=False)
def test_a_recent_attendance_week_is_an_entry_that_delays_gallring(people, capsys):  # noqa: F811
    Attendance.objects.create(case=people["old"], week=date(2030, 5, 6), days_present=2)
    call_command("gallra")
    assert f"#{people['old'].participant_id}:" not in capsys.readouterr().out
