"""Auditor pages (L4, D2, G1, G2) and the registerutdrag command."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AccessLog
from audit.services import log_read
from casework.models import Note
from casework.services import note_add, note_correct
from tests.audit.world import build_world


@pytest.fixture
def world(db):
    w = build_world()
    coord = w.users["coordinator"]
    note = note_add(
        case_id=w.case.pk, text="Berättade om sin granne Olle.", on=date(2026, 1, 5), by=coord
    )
    note_correct(note_id=note.pk, text="Berättade om sitt nätverk.", by=coord)
    log_read(
        user=w.users["coach_same_unit"],
        action="case.detail",
        participant_ids=[w.case.participant_id],
    )
    log_read(
        user=w.users["coach_assigned"],
        action="case.detail",
        participant_ids=[w.case.participant_id],
    )
    return w


def test_access_log_highlights_reads_outside_the_caseload(client, world):
    client.force_login(world.users["auditor"])
    response = client.get(reverse("audit:access_log"), {"outside_only": "on"})
    assert response.status_code == 200
    rows = response.context["rows"]
    users = {r.user.username for r in rows if r.user}
    assert "coach_a2" in users  # read a participant not in their caseload
    assert "coach_a" not in users  # read their own participant


def test_access_log_filters_by_user_participant_and_dates(client, world):
    client.force_login(world.users["auditor"])
    pid = world.case.participant_id
    response = client.get(
        reverse("audit:access_log"),
        {"user": "coach_a", "participant": pid, "date_from": "2020-01-01", "date_to": "2099-12-31"},
    )
    rows = response.context["rows"]
    assert rows and all(r.user.username == "coach_a" and pid in r.participant_ids for r in rows)
    response = client.get(reverse("audit:access_log"), {"date_to": "2000-01-01"})
    assert response.context["rows"] == []


def test_access_log_does_not_show_reads_by_other_municipalities(client, world):
    log_read(
        user=world.users["coordinator_other"],
        action="case.detail",
        participant_ids=[world.other.participant_id],
    )
    client.force_login(world.users["auditor"])
    rows = client.get(reverse("audit:access_log")).context["rows"]
    assert all("linkoping-arena" not in r.unit_codes for r in rows if r.action == "case.detail")


def test_history_is_chronological_and_keeps_the_corrected_note_readable(client, world):
    client.force_login(world.users["auditor"])
    before = AccessLog.objects.count()
    response = client.get(reverse("audit:participant_history", args=[world.case.participant_id]))
    assert response.status_code == 200
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.order_by("-pk").first()
    assert row.participant_ids == [world.case.participant_id] and row.user == world.users["auditor"]
    events = response.context["events"]
    keys = [(e.effective_on, e.recorded_at) for e in events]
    assert keys == sorted(keys)
    html = response.content.decode()
    assert "Berättade om sin granne Olle." in html and "Berättade om sitt nätverk." in html
    assert any(e.struck for e in events)
    kinds = {e.kind for e in events}
    assert {"statusändring", "anteckning", "läsning", "ändring av ärende"} <= kinds


def test_register_extract_page_marks_free_text_for_review(client, world):
    client.force_login(world.users["auditor"])
    response = client.get(reverse("audit:register_extract", args=[world.case.participant_id]))
    html = response.content.decode()
    person = world.case.participant
    assert person.personnummer in html and "Testsson" in html
    assert "Sekretessprövas" in html
    assert html.count("Berättade om") == 2


def test_find_person_by_personnummer_in_the_body_not_the_url(client, world):
    client.force_login(world.users["auditor"])
    person = world.case.participant
    response = client.post(reverse("audit:find_person"), {"personnummer": person.personnummer})
    assert response.status_code == 302
    assert person.personnummer not in response["Location"]
    hidden = world.skyddad.participant
    response = client.post(reverse("audit:find_person"), {"personnummer": hidden.personnummer})
    assert response.status_code == 200 and response.context["not_found"]


def test_registerutdrag_command_prints_everything_and_logs_one_read(world, capsys):
    person = world.case.participant
    before = AccessLog.objects.count()
    call_command(
        "registerutdrag",
        person.personnummer,
        "--arende",
        "DSO 2026/17",
        "--operator",
        "registrator",
    )
    out = capsys.readouterr().out
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.order_by("-pk").first()
    assert row.participant_ids == [person.pk] and row.user is None and "registrator" in row.operator
    for expected in (
        person.personnummer,
        "Ingrid",
        "Testsson",
        "Berättade om sin granne Olle.",
        "Berättade om sitt nätverk.",
        "[RÄTTAD]",
        "[GRANSKA]",
        "statusändring",
        "samråd",
        "läsning",
        "ändring av ärende",
    ):
        assert expected in out, expected
    assert Note.objects.filter(case=world.case).count() == 3
