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
