"""The access-log page: ISO dates only, Swedish labels, units by name, personnummer, remit."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from audit.labels import ACTION_LABELS
from audit.services import log_read
from tests.audit.world import build_world

URL = "/granskning/atkomstlogg/"


@pytest.fixture
def world(db):
    w = build_world()
    with time_machine.travel(date(2026, 12, 1)):
        log_read(
            user=w.users["coach_same_unit"],
            action="case.detail",
            participant_ids=[w.case.participant_id],
        )
    return w


@pytest.mark.parametrize("value", ["01/12/2026", "1.12.2026", "2026-13-01", "12/01/2026"])
def test_a_non_iso_date_is_a_clear_error_not_a_silent_misreading(client, world, value):
    client.force_login(world.users["auditor"])
    response = client.get(URL, {"date_to": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-01." in html
    assert response.context["rows"] == []


def test_date_inputs_are_iso_date_inputs_with_a_hint(client, world):
    client.force_login(world.users["auditor"])
    html = client.get(URL).content.decode()
    assert 'type="date" name="date_from"' in html and "ÅÅÅÅ-MM-DD" in html


def test_a_swedish_date_finds_the_days_reads(client, world):
    client.force_login(world.users["auditor"])
    response = client.get(URL, {"date_from": "2026-12-01", "date_to": "2026-12-01"})
    assert [r.action for r in response.context["rows"]] == ["case.detail"]


def test_participant_is_found_by_personnummer(client, world):
    client.force_login(world.users["auditor"])
    person = world.case.participant
    response = client.get(
        URL, {"participant": f"{person.personnummer[:8]}-{person.personnummer[8:]}"}
    )
    rows = response.context["rows"]
    assert rows and all(person.pk in r.participant_ids for r in rows)
    assert str(person) in response.content.decode()


def test_a_personnummer_outside_the_auditors_units_finds_nothing(client, world):
    client.force_login(world.users["auditor"])
    other = world.other.participant
    response = client.get(URL, {"participant": other.personnummer})
    assert response.status_code == 200
    assert "Ingen person med det personnumret finns i dina enheter." in response.content.decode()


def test_actions_are_swedish_labels_and_units_names(client, world):
    client.force_login(world.users["auditor"])
    html = client.get(URL).content.decode()
    assert str(ACTION_LABELS["case.detail"]) in html
    assert ">case.detail<" not in html
    assert world.case.unit.name in html


def test_only_reads_outside_the_readers_remit_are_highlighted(client, world):
    auditor = world.users["auditor"]
    client.force_login(auditor)
    client.get(reverse("audit:participant_history", args=[world.case.participant_id]))
    rows = client.get(URL).context["rows"]
    flagged = {r.user.username for r in rows if r.outside}
    assert flagged == {world.users["coach_same_unit"].username}
