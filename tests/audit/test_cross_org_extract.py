"""Issue 17 item 5: the audit pages show only the auditor's own cases of a person who has
cases in two organisations."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit import extract
from audit.models import AccessLog, SecurityEvent
from casework.models import Participant
from casework.services import note_add
from programmes.models import Programme
from referrals.services import referral_close, referral_register
from tests.audit.world import build_world
from tests.factories import make_pnr, unit


@pytest.fixture
def two_org_person(db):
    world = build_world()
    person = Participant.objects.get(pk=world.case.participant_id)
    referral_close(
        case_id=world.case.pk, on=date(2026, 1, 4), by=world.users["coordinator"], reason="Flytt"
    )
    other = world.users["coordinator_other"]
    case = referral_register(
        personnummer_value=person.personnummer,
        gender="M",
        programme=Programme.objects.get(code="JOBBTORG"),
        unit=unit("linkoping-arena"),
        on=date(2026, 2, 2),
        income_support="EB_ARBETSLOSHET",
        by=other,
    )
    note_add(
        case_id=case.pk, text="Linköpings anteckning om hälsan.", on=date(2026, 2, 3), by=other
    )
    return world, person


@pytest.mark.parametrize("route", ["audit:participant_history", "audit:register_extract"])
def test_an_auditor_sees_only_their_organisations_cases_of_the_person(
    client, two_org_person, route
):
    world, person = two_org_person
    client.force_login(world.users["auditor"])
    response = client.get(reverse(route, args=[person.pk]))
    assert response.status_code == 200
    assert "Första samtalet." in response.content.decode()
    assert "Linköpings anteckning" not in response.content.decode()
    assert "arena" not in response.content.decode().lower()


def test_the_operators_extract_stays_complete(two_org_person):
    _world, person = two_org_person
    text = extract.as_text(extract.register_extract(person))
    assert "Första samtalet." in text and "Linköpings anteckning om hälsan." in text


# --- the explicit extract across organisations (GDPR art. 15) -------------------------------

FULL = "audit:full_extract"


def _dso(world):
    """An auditor made dataskyddsombud by an operator: the one permission, nothing more."""
    user = world.users["auditor"]
    user.user_permissions.add(Permission.objects.get(codename="full_register_extract"))
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


def _ask(client, person, **over):
    data = {"personnummer": person.personnummer, "request_ref": "DSO 2026/17", "confirmed": "on"}
    return client.post(reverse(FULL), data | over)


def test_the_dataskyddsombud_gets_every_organisation_and_the_use_is_logged(client, two_org_person):
    world, person = two_org_person
    client.force_login(_dso(world))
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()

    response = _ask(client, person)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Första samtalet." in html and "Linköpings anteckning om hälsan." in html
    row = AccessLog.objects.order_by("pk")[logs:].get()
    assert (row.action, row.participant_ids) == ("audit.register_extract.full", [person.pk])
    assert "DSO 2026/17" in row.filter_description
    event = SecurityEvent.objects.order_by("pk")[events:].get()
    assert (event.kind, event.object_ref) == ("registerutdrag_alla", f"participant:{person.pk}")
    assert "DSO 2026/17" in event.detail


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"request_ref": ""}, "Ärendenummer för begäran"),
        ({"request_ref": "\u202e71/6202 OSD"}, "skrivriktning"),
        ({"confirmed": ""}, "Den registrerade har själv begärt"),
    ],
)
def test_without_a_request_ref_or_the_confirmation_nothing_is_shown_or_logged(
    client, two_org_person, over, message
):
    world, person = two_org_person
    client.force_login(_dso(world))
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()
    response = _ask(client, person, **over)
    assert response.status_code == 200 and message in response.content.decode()
    assert "Linköpings anteckning" not in response.content.decode()
    assert (AccessLog.objects.count(), SecurityEvent.objects.count()) == (logs, events)


@pytest.mark.parametrize("role", ["auditor", "coordinator", "coordinator_other", "manager"])
def test_an_ordinary_auditor_or_anyone_else_gets_404_and_a_security_event(
    client, two_org_person, role
):
    world, person = two_org_person
    client.force_login(world.users[role])
    events = SecurityEvent.objects.count()
    assert client.get(reverse(FULL)).status_code == 404
    assert _ask(client, person).status_code == 404
    assert SecurityEvent.objects.count() == events + 2
    assert not SecurityEvent.objects.filter(kind="registerutdrag_alla").exists()


def test_the_command_needs_the_request_ref_and_raises_the_event(two_org_person, capsys):
    _world, person = two_org_person
    with pytest.raises(CommandError):
        call_command("registerutdrag", person.personnummer)
    call_command("registerutdrag", person.personnummer, "--arende", "DSO 1", "--operator", "x")
    assert "Linköpings anteckning om hälsan." in capsys.readouterr().out
    event = SecurityEvent.objects.get(kind="registerutdrag_alla")
    assert event.user is None and "DSO 1" in event.detail and "x" in event.detail


def test_a_number_nobody_has_is_answered_and_the_use_still_logged(client, two_org_person):
    world, _person = two_org_person
    client.force_login(_dso(world))
    response = client.post(
        reverse(FULL),
        {
            "personnummer": make_pnr(date(1990, 5, 17), 999),
            "request_ref": "DSO 9",
            "confirmed": "on",
        },
    )
    assert "Ingen person med det personnumret finns lagrad." in response.content.decode()
    row = AccessLog.objects.get(action="audit.register_extract.full")
    assert row.participant_ids == [] and "DSO 9" in row.filter_description
    assert SecurityEvent.objects.get(kind="registerutdrag_alla").object_ref == ""
