"""Issue 17 item 4: the personnummer lookup never reveals a protected person."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AccessLog, SecurityEvent
from casework.models import Participant
from tests.audit.world import build_world
from tests.factories import make_pnr

URL = "referrals:check_personnummer"


@pytest.fixture
def world(db):
    return build_world()


def _lookup(client, user, pnr):
    client.force_login(user)
    return client.get(reverse(URL), {"personnummer": pnr})


def test_a_protected_person_looks_like_a_new_person_to_another_organisation(client, world):
    protected = Participant.objects.get(pk=world.skyddad.participant_id)
    outsider = world.users["coordinator_other"]
    fresh = _lookup(client, outsider, make_pnr(date(1988, 3, 9), 984))
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()
    people = Participant.objects.count()

    probe = _lookup(client, outsider, protected.personnummer)

    assert probe.content == fresh.content
    assert b"Skyddadsson" not in probe.content and b"finns redan" not in probe.content
    event = SecurityEvent.objects.order_by("pk")[events:].get()
    assert (event.kind, event.user, event.object_ref) == (
        "skyddad_uppslag",
        outsider,
        f"participant:{protected.pk}",
    )
    row = AccessLog.objects.order_by("pk")[logs:].get()
    assert (row.user, row.participant_ids) == (outsider, [protected.pk])
    assert Participant.objects.count() == people


def test_the_protected_persons_own_coordinator_still_sees_the_name(client, world):
    protected = Participant.objects.get(pk=world.skyddad.participant_id)
    events = SecurityEvent.objects.count()
    response = _lookup(client, world.users["coordinator"], protected.personnummer)
    assert b"Skyddadsson" in response.content
    assert SecurityEvent.objects.count() == events


def test_every_lookup_is_access_logged_also_of_an_ordinary_or_unknown_person(client, world):
    outsider = world.users["coordinator_other"]
    ordinary = Participant.objects.get(pk=world.case.participant_id)
    logs = AccessLog.objects.count()
    answer = _lookup(client, outsider, ordinary.personnummer)
    _lookup(client, outsider, make_pnr(date(1988, 3, 9), 985))
    rows = list(AccessLog.objects.order_by("pk")[logs:])
    assert [r.participant_ids for r in rows] == [[ordinary.pk], []]
    assert {r.action for r in rows} == {"referral.check_personnummer"}
    assert b"Testsson" not in answer.content  # another organisation's person: no name
