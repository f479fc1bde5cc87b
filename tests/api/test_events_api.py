from datetime import date

from audit import sealer
from audit.models import AccessLog, ChainEntry
from casework.services import assessment_record, case_exit, case_start_insats
from tests.api.test_participation_api import refer
from tests.api.test_referrals_api import body
from tests.factories import UserFactory, unit

URL = "/api/v1/events"


def linkoping_coordinator():
    return UserFactory(roles=["coordinator"], units=[unit("linkoping-arena")])


def start_kartlaggning(case_id, by):
    """Bromodellen's step scale needs the baseline before the first insats (002 §5)."""
    assessment_record(case_id=case_id, step=1, on=date(2026, 1, 3), by=by)
    case_start_insats(case_id=case_id, insats="kartlaggning", on=date(2026, 1, 5), by=by)


def bromo_history(api):
    """A referral, an insats and an exit, sealed as the sealer worker does within a second
    (the test's transaction never commits, so no after-commit seal runs)."""
    case_id = refer(api, programme="BROMODELLEN")
    by = linkoping_coordinator()
    start_kartlaggning(case_id, by)
    case_exit(case_id=case_id, on=date(2026, 2, 1), reason_code="ARBETE", by=by)
    sealer.seal_pending()
    return case_id


def test_the_feed_lists_referral_insats_and_exit_in_order_and_logs_the_read(api_b):
    case_id = bromo_history(api_b)
    response = api_b.get(URL)
    assert response.status_code == 200
    events = response.json()["events"]
    assert [(e["type"], e["state"], e["case_id"]) for e in events] == [
        ("referral.registered", "aktualisering", case_id),
        ("insats.started", "kartlaggning", case_id),
        ("case.exited", "avslutad", case_id),
    ]
    assert events[-1]["exit_reason"] == "ARBETE"
    assert events[0]["personnummer"] == body()["personnummer"]
    assert response.json()["next"] == events[-1]["cursor"]
    log = AccessLog.objects.get(action="api.events")
    assert log.client == api_b.client and log.person_count == 1


def test_the_cursor_returns_only_later_events_and_an_empty_page_keeps_it(api_b):
    bromo_history(api_b)
    events = api_b.get(URL).json()["events"]
    later = api_b.get(URL, {"after": events[0]["cursor"]}).json()
    assert [e["type"] for e in later["events"]] == ["insats.started", "case.exited"]
    end = api_b.get(URL, {"after": later["next"]}).json()
    assert end == {"events": [], "next": later["next"]}
    assert AccessLog.objects.filter(action="api.events").count() == 2


def test_another_units_events_are_not_in_the_feed(api_a, api_b):
    refer(api_a, serial=321)
    bromo_history(api_b)
    assert {e["programme"] for e in api_a.get(URL).json()["events"]} == {"JOBBTORG"}
    assert {e["programme"] for e in api_b.get(URL).json()["events"]} == {"BROMODELLEN"}


def test_participation_reports_an_open_insats_and_since_when(api_b):
    case_id = refer(api_b, programme="BROMODELLEN")
    start_kartlaggning(case_id, linkoping_coordinator())
    data = api_b.get("/api/v1/participation", {"personnummer": body()["personnummer"]}).json()
    assert data["in_insats"] is True
    assert (data["cases"][0]["state"], data["cases"][0]["since"]) == ("kartlaggning", "2026-01-05")
    assert data["cases"][0]["attendance"] == []


def test_a_negative_cursor_is_a_400(api_b):
    assert api_b.get(URL, {"after": -1}).status_code == 400


def test_the_feed_only_reads_and_lists_a_transition_once_it_is_sealed(api_b):
    """The feed seals nothing itself (the sealer worker does): a GET writes no block."""
    bromo_history(api_b)
    first = api_b.get(URL).json()
    waiting = ChainEntry.objects.filter(block__isnull=True).count()
    later = refer(api_b, programme="BROMODELLEN", serial=321)
    assert api_b.get(URL, {"after": first["next"]}).json()["events"] == []
    assert ChainEntry.objects.filter(block__isnull=True).count() > waiting  # still unsealed
    sealer.seal_pending()
    page = api_b.get(URL, {"after": first["next"]}).json()["events"]
    assert [(e["type"], e["case_id"]) for e in page] == [("referral.registered", later)]
