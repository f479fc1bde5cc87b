"""Issue 17 item 9: scoping gaps a hostile probe found, each as its attack."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import SecurityEvent
from casework.forms import StartInsatsForm
from casework.indicators import periods, report
from casework.models import Case, SavedReport, Transition
from casework.rules import CaseRuleError
from casework.services import case_start_insats
from referrals.models import ImportJob
from tests.audit.world import build_world
from tests.factories import UserFactory, unit, workplace


@pytest.fixture
def world(db):
    return build_world()


def test_a_start_at_another_organisations_workplace_is_refused_and_changes_nothing(world):
    foreign = workplace(unit_code="linkoping-arena")
    rows, state = Transition.objects.count(), Case.objects.get(pk=world.case.pk).state
    with pytest.raises(CaseRuleError, match="annan organisation"):
        case_start_insats(
            case_id=world.case.pk,
            insats="arbetspraktik",
            on=date(2026, 1, 5),
            by=world.users["coordinator"],
            workplace=foreign,
        )
    assert Transition.objects.count() == rows
    assert Case.objects.get(pk=world.case.pk).state == state


def test_the_start_form_offers_only_the_cases_organisations_workplaces(world):
    own, foreign = workplace(), workplace(unit_code="linkoping-arena")
    form = StartInsatsForm(
        case=world.case, user=world.users["coach_assigned"], insats="arbetspraktik"
    )
    choices = set(form.fields["workplace"].queryset)
    assert own in choices and foreign not in choices


def test_another_organisations_fastställd_report_neither_opens_nor_is_listed(client, world):
    other_manager = UserFactory(
        username="chef_b", roles=["manager"], units=[unit("linkoping-arena")]
    )
    saved = SavedReport.objects.create(
        period_start=date(2026, 1, 1), period_end=date(2026, 4, 30), programme_ids=[],
        data=report.build(periods.tertial(2026, 1), programme_ids=[]),
        saved_by=other_manager, saved_by_label="chef_b",
    )  # fmt: skip
    client.force_login(world.users["manager"])
    events = SecurityEvent.objects.count()
    assert client.get(reverse("indicators:saved", args=[saved.pk])).status_code == 404
    assert SecurityEvent.objects.count() == events + 1
    listed = client.get(reverse("indicators:report")).context["saved"]
    assert saved not in list(listed)
    client.force_login(other_manager)
    assert client.get(reverse("indicators:saved", args=[saved.pk])).status_code == 200


def test_another_users_import_job_answers_404_with_a_security_event(client, world):
    job = ImportJob.objects.create(filename="a.csv", created_by=world.users["coordinator_other"])
    client.force_login(world.users["coordinator"])
    events = SecurityEvent.objects.filter(kind="scope_refused").count()
    assert client.get(reverse("imports:status", args=[job.pk])).status_code == 404
    assert SecurityEvent.objects.filter(kind="scope_refused").count() == events + 1


# --- issue 17 item 7: one more attack of the same kind per item -----------------------------


def test_a_note_of_another_organisations_case_cannot_be_corrected_through_an_own_case(
    client, world
):
    """Item 1/9 again: an id from another organisation inside an own route's POST body."""
    from casework.models import Note
    from casework.services import note_add

    foreign = note_add(
        case_id=world.other.pk, text="Linköpings text.", on=date(2026, 1, 3),
        by=world.users["coordinator_other"],
    )  # fmt: skip
    client.force_login(world.users["coordinator"])
    case = Case.objects.get(pk=world.case.pk)
    url = reverse("casework:case_action", args=[case.pk, "note_correct"])
    notes = Note.objects.count()
    response = client.post(
        url, {"note": foreign.pk, "text": "Skrivet över.", "version": case.version}
    )
    assert response.status_code in (200, 400)
    assert Note.objects.count() == notes
    assert not Note.objects.filter(supersedes=foreign).exists()


def test_an_api_client_registering_a_protected_person_gets_the_same_answers_as_for_a_new_one(
    world,
):
    """Item 4 again, through the API: the 201 body and the participation read afterwards."""
    from datetime import timedelta

    from django.utils import timezone

    from api import services as api_services
    from api.models import ApiClient, Scope
    from casework.models import Participant
    from tests.api.conftest import Api
    from tests.factories import make_pnr

    client = ApiClient(
        name="EB Linköping", unit=unit("linkoping-arena"), scopes=[s.value for s in Scope],
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    api_services.client_save(client=client)
    api = Api(api_services.token_issue(client=client))
    protected = Participant.objects.get(pk=world.skyddad.participant_id)
    answers = []
    for pnr in (make_pnr(date(1988, 3, 9), 991), protected.personnummer):
        body = {
            "personnummer": pnr, "gender": "K", "programme": "AME_JARFALLA",
            "referred_on": "2026-01-05", "income_support": "EB_ARBETSLOSHET",
            "first_name": "Alva",
        }  # fmt: skip
        created = api.post("/api/v1/referrals", body)
        read = api.get("/api/v1/participation", {"personnummer": pnr})
        answers.append((created.status_code, sorted(created.json()), read.status_code))
        assert b"Hemlig" not in created.content + read.content
        assert b"Skyddadsson" not in created.content + read.content
    assert answers[0] == answers[1]
    assert Case.objects.get(participant=protected, unit__code="linkoping-arena").shielded


def test_another_organisations_case_has_no_survey_page_and_gets_no_link(client, world):
    """Item 9 again: a case id of another organisation on the survey routes."""
    from surveys.models import SurveyInvitation

    client.force_login(world.users["coordinator"])
    events = SecurityEvent.objects.count()
    assert client.get(reverse("surveys:case", args=[world.other.pk])).status_code == 404
    url = reverse("surveys:create_link", args=[world.other.pk, "inskrivning"])
    assert client.post(url).status_code == 404
    assert not SurveyInvitation.objects.exists()
    assert SecurityEvent.objects.count() >= events + 2


@pytest.mark.parametrize("q", ["\x00Ingrid", "Ingrid\u202e", "\u200b"])
def test_a_search_with_a_nul_or_control_character_is_a_swedish_refusal_not_a_500(client, world, q):
    """Low again: the search box takes raw GET text, outside any form's validators."""
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("casework:search"), {"q": q})
    assert response.status_code == 200
    assert "Texten" in response.content.decode()
    assert "Ingrid Testsson" not in response.content.decode()
