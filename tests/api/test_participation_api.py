from datetime import date

from audit.models import AccessLog, SecurityEvent
from casework.models import Attendance, Participant
from casework.services import case_exit
from tests.api.test_referrals_api import body
from tests.factories import UserFactory, unit

URL = "/api/v1/participation"


def refer(api, **overrides):
    response = api.post("/api/v1/referrals", body(**overrides))
    assert response.status_code == 201, response.json()
    return response.json()["case_id"]


def test_a_referred_person_is_reported_with_state_and_one_access_log_row(api_a):
    case_id = refer(api_a)
    pnr = body()["personnummer"]
    response = api_a.get(URL, {"personnummer": pnr})
    assert response.status_code == 200
    data = response.json()
    assert data["in_insats"] is False
    assert data["cases"][0] | {"attendance": None} == {
        "case_id": case_id,
        "programme": "JOBBTORG",
        "state": "aktualisering",
        "in_insats": False,
        "since": "2026-01-02",
        "referred_on": "2026-01-02",
        "attendance": None,
    }
    assert data["latest_exit"] is None
    log = AccessLog.objects.get()
    person = Participant.objects.get(personnummer=pnr)
    assert (log.client, log.user, log.participant_ids) == (
        api_a.client,
        api_a.client.user,
        [person.pk],
    )
    assert log.unit_codes == "nykoping-jobbtorg"
    assert log.action == "api.participation"


def test_a_client_of_another_unit_gets_404_and_a_security_event(api_a, api_b):
    refer(api_a)
    response = api_b.get(URL, {"personnummer": body()["personnummer"]})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not AccessLog.objects.exists()
    assert SecurityEvent.objects.filter(user=api_b.client.user).count() == 1


def test_an_unknown_person_is_404_like_one_out_of_scope(api_a):
    response = api_a.get(URL, {"personnummer": body(serial=555)["personnummer"]})
    assert response.status_code == 404


def test_a_skyddad_identitet_person_is_not_shown_to_a_client(api_a):
    refer(api_a)
    person = Participant.objects.get(personnummer=body()["personnummer"])
    person.skyddad_identitet = True
    person.save()
    assert api_a.get(URL, {"personnummer": person.personnummer}).status_code == 404


def test_attendance_and_the_latest_exit_where_the_programme_tracks_it(api_b):
    case_id = refer(api_b, programme="BROMODELLEN")
    Attendance.objects.create(case_id=case_id, week=date(2026, 1, 5), days_present=4)
    case_exit(
        case_id=case_id,
        on=date(2026, 1, 20),
        reason_code="EJ_AKTUELL",
        by=UserFactory(roles=["coordinator"], units=[unit("linkoping-arena")]),
        reason="Fick arbete via egen kontakt",
    )
    data = api_b.get(URL, {"personnummer": body()["personnummer"]}).json()
    assert data["cases"][0]["attendance"] == [{"week": "2026-01-05", "days_present": 4}]
    assert data["latest_exit"] == {
        "case_id": case_id,
        "programme": "BROMODELLEN",
        "on": "2026-01-20",
        "reason": "EJ_AKTUELL",
    }


def test_a_malformed_personnummer_is_422_with_the_swedish_reason(api_a):
    response = api_a.get(URL, {"personnummer": "19900517"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_personnummer"


def test_without_the_status_scope_participation_is_forbidden(make_client):
    from tests.api.conftest import Api

    _client, token = make_client(scopes=["referrals:write"])
    response = Api(token).get(URL, {"personnummer": body()["personnummer"]})
    assert response.status_code == 403


def test_the_reads_log_row_has_its_chain_entry_and_verifies_once_the_worker_seals_it(api_a):
    """The API writes the row and its entry itself (no read-back, no seal on the read
    path): the entry waits for the sealer worker, and then the chain verifies."""
    from audit import chain, sealer
    from audit.models import ChainEntry

    refer(api_a)
    sealer.seal_pending()
    assert api_a.get(URL, {"personnummer": body()["personnummer"]}).status_code == 200
    log = AccessLog.objects.get()
    entry = ChainEntry.objects.get(kind="audit.accesslog", object_id=log.pk)
    assert entry.block_id is None
    assert chain.verify() is None  # the unsealed entry matches its row
    sealer.seal_pending()
    entry.refresh_from_db()
    assert entry.block_id is not None
    assert chain.verify() is None


def test_the_entrys_digests_are_those_of_the_row_read_back(api_a):
    """No read-back on the read path: the digests of the values as written must be those
    of the row as stored (the receiver's `append_row` reads it back to get them)."""
    from audit.chain import row_digests
    from audit.models import ChainEntry

    refer(api_a)
    api_a.get(URL, {"personnummer": body()["personnummer"]})
    log = AccessLog.objects.get()
    entry = ChainEntry.objects.get(kind="audit.accesslog", object_id=log.pk)
    assert row_digests(log) == (entry.digest, entry.content_digest)


def test_json_is_answered_to_every_accept_that_takes_it_and_406_to_one_that_does_not(api_a):
    refer(api_a)
    pnr = {"personnummer": body()["personnummer"]}
    for accept in ("", "*/*", "application/json", "text/html, application/json;q=0.9"):
        response = api_a.get(URL, pnr, Accept=accept)
        assert response.status_code == 200, accept
        assert response["Content-Type"] == "application/json", accept
    refused = api_a.get(URL, pnr, Accept="application/xml")
    assert refused.status_code == 406
    assert refused.json()["code"] == "not_acceptable"
    assert api_a.get(URL, {**pnr, "format": "xml"}).status_code == 404  # DRF's ?format=
    assert AccessLog.objects.count() == 4  # one per answered read, none for the refusals
