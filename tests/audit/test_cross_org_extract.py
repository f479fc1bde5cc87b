"""Issue 17 item 5: the audit pages show only the auditor's own cases of a person who has
cases in two organisations."""

from datetime import date

import pytest
from django.urls import reverse

from audit import extract
from casework.models import Participant
from casework.services import note_add
from programmes.models import Programme
from referrals.services import referral_close, referral_register
from tests.audit.world import build_world
from tests.factories import unit


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
