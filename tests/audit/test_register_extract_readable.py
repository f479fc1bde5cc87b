"""The register extract and history read as Swedish: names, labels, local times, a PDF."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessLog
from casework.services import case_start_insats
from tests.audit.world import build_world


@pytest.fixture
def world(db):
    with time_machine.travel(datetime(2026, 1, 5, 19, 4, tzinfo=UTC)):
        w = build_world()
        case_start_insats(
            case_id=w.case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=w.users["coordinator"]
        )
    return w


def extract_html(client, world) -> str:
    client.force_login(world.users["auditor"])
    url = reverse("audit:register_extract", args=[world.case.participant_id])
    return client.get(url).content.decode()


def test_extract_names_people_programmes_and_units_not_ids(client, world):
    html = extract_html(client, world)
    case = world.case
    assert case.programme.name in html and case.unit.name in html
    assert world.users["coach_assigned"].get_full_name() in html
    assert f"deltagare {case.participant_id}," not in html and "program 1" not in html


def test_extract_shows_local_times_and_swedish_labels(client, world):
    html = extract_html(client, world)
    assert "2026-01-05 20:04" in html  # 19:04 UTC is 20:04 in Stockholm in January
    assert "+00:00" not in html and "created at" not in html
    assert "Aktualiserad → Kartläggning och individuell planering" in html
    assert "aktualisering → kartlaggning" not in html


def test_extract_has_a_table_of_contents(client, world):
    html = extract_html(client, world)
    assert 'href="#identitet"' in html and f'href="#arende-{world.case.pk}"' in html
    assert 'id="ar-2026"' in html


def test_history_page_is_readable_too(client, world):
    client.force_login(world.users["auditor"])
    url = reverse("audit:participant_history", args=[world.case.participant_id])
    html = client.get(url).content.decode()
    assert "Aktualiserad → Kartläggning och individuell planering" in html
    assert "2026-01-05 20:04" in html


def test_pdf_download_is_a_pdf_and_is_access_logged(client, world):
    client.force_login(world.users["auditor"])
    pid = world.case.participant_id
    response = client.get(reverse("audit:register_extract_pdf", args=[pid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    row = AccessLog.objects.filter(action="audit.register_extract.pdf").get()
    assert row.participant_ids == [pid] and row.user == world.users["auditor"]


def test_pdf_of_a_person_outside_the_auditors_units_is_404_and_not_logged(client, world):
    client.force_login(world.users["auditor"])
    url = reverse("audit:register_extract_pdf", args=[world.other.participant_id])
    assert client.get(url).status_code == 404
    assert not AccessLog.objects.filter(action="audit.register_extract.pdf").exists()
