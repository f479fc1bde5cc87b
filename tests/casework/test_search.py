"""The search box: in scope only, any personnummer form, skyddad identitet, access-logged."""

from datetime import date

import pytest

from audit.models import AccessLog
from casework.models import Participant
from casework.search import name_key, personnummer_key
from casework.services import case_assign_coach
from tests.factories import UserFactory, make_pnr, unit

URL = "/arenden/sok/"
PNR = make_pnr(date(1990, 5, 17), 100)  # the first `refer()` person


@pytest.fixture
def anna(refer, coordinator, coach):
    case = refer(first_name="Anna", last_name="Lind")
    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    return case


@pytest.mark.parametrize("form", [PNR, f"{PNR[:8]}-{PNR[8:]}", f"{PNR[2:8]}-{PNR[8:]}"])
def test_finds_by_personnummer_in_any_accepted_form(client, coach, anna, form):
    client.force_login(coach)
    html = client.get(URL, {"q": form}).content.decode()
    assert f'href="/arenden/{anna.pk}/"' in html


def test_finds_by_name_and_logs_what_was_searched(client, coach, anna):
    client.force_login(coach)
    html = client.get(URL, {"q": "anna lind"}).content.decode()
    assert f'href="/arenden/{anna.pk}/"' in html
    row = AccessLog.objects.get(action="case.search")
    assert row.user == coach and row.participant_ids == [anna.participant_id]
    # Not the text (issue 17 item 6): the kind and a keyed hash of it.
    assert row.filter_description == f"sökning: namn, nyckel {name_key('Anna  LIND')}"
    assert "anna" not in row.filter_description.lower()


def test_outside_scope_finds_nothing_and_says_nothing_of_elsewhere(client, anna):
    stranger = UserFactory(roles=["coach"], units=[unit()])
    client.force_login(stranger)
    for q in (PNR, "Anna"):
        html = client.get(URL, {"q": q}).content.decode()
        assert f"/arenden/{anna.pk}/" not in html
        assert "Ingen träff bland de ärenden du har behörighet till." in html
    rows = AccessLog.objects.filter(user=stranger, action="case.search")
    assert [r.participant_ids for r in rows] == [[], []]
    key = personnummer_key(PNR)
    assert rows.filter(filter_description=f"sökning: personnummer, nyckel {key}").exists()
    assert not rows.filter(filter_description__contains=PNR[:8]).exists()
    assert not rows.filter(filter_description__icontains="anna").exists()


def test_the_auditor_finds_a_search_for_a_person_even_when_it_found_nothing(client, anna):
    stranger = UserFactory(username="coach_utan", roles=["coach"], units=[unit()])
    client.force_login(stranger)
    client.get(URL, {"q": f"{PNR[:8]}-{PNR[8:]}"})  # not theirs: no match, no id in the row
    auditor = UserFactory(username="granskare", roles=["auditor"], units=[unit()])
    client.force_login(auditor)
    html = client.get("/granskning/atkomstlogg/", {"participant": PNR}).content.decode()
    assert "coach_utan" in html
    other = client.get("/granskning/atkomstlogg/", {"participant": str(anna.participant_id)})
    assert "coach_utan" in other.content.decode()


def test_the_key_depends_on_the_secret_key_not_only_on_the_text(settings):
    before = personnummer_key(PNR)
    settings.AUDIT_CHAIN_KEY = "another-key"
    assert personnummer_key(PNR) != before


def test_skyddad_identitet_is_never_found_by_name_only_by_personnummer(client, coach, anna):
    person = Participant.objects.get(pk=anna.participant_id)
    person.skyddad_identitet = True
    person.save()
    client.force_login(coach)
    assert f"/arenden/{anna.pk}/" not in client.get(URL, {"q": "Lind"}).content.decode()
    assert f"/arenden/{anna.pk}/" in client.get(URL, {"q": PNR}).content.decode()


def test_a_mistyped_personnummer_is_a_swedish_error(client, coach, anna):
    client.force_login(coach)
    response = client.get(URL, {"q": PNR[:-1] + str((int(PNR[-1]) + 1) % 10)})
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in response.content.decode()


def test_managers_and_auditors_have_no_search(client, db):
    for role in ("manager", "auditor"):
        client.force_login(UserFactory(roles=[role], units=[unit()]))
        assert client.get(URL, {"q": "Anna"}).status_code == 404
