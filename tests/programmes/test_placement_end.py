"""A coordinator ends a placement with a date (002 §5): the provider may record the weeks
up to it for 14 more days and none after it; the history is kept; an exit ends it too."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AccessLog, SecurityEvent
from casework.models import Attendance
from casework.rules import CaseRuleError
from casework.services import case_exit
from programmes.models import Organisation
from providers.models import Placement
from providers.selectors import placed_cases
from providers.services import placement_create, placement_end, provider_attendance_record
from tests.factories import UserFactory, unit
from tests.programmes.provider_world import build_provider_world

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=STHLM), tick=False)


@pytest.fixture
def pw():
    with on(date(2026, 1, 20)):
        return build_provider_world()


def _placement(case) -> Placement:
    return Placement.objects.get(case=case, provider__code="bilda")


def _record(pw, week: date, present: int = 3):
    return provider_attendance_record(
        case_id=pw.placed.pk, week=week, days_present=present, planned_days=5, by=pw.bilda
    )


def test_attendance_up_to_the_end_is_taken_and_after_it_refused(pw):
    placement = _placement(pw.placed)
    with on(date(2026, 2, 20)):
        placement_end(placement_id=placement.pk, on=date(2026, 2, 18), by=pw.coordinator)
    with on(date(2026, 2, 27)):
        _record(pw, date(2026, 2, 16))  # the end's own week (Monday 16th)
        with pytest.raises(CaseRuleError, match="Placeringen avslutades 2026-02-18"):
            _record(pw, date(2026, 2, 23))
    weeks = list(Attendance.objects.filter(case=pw.placed).values_list("week", flat=True))
    assert weeks == [date(2026, 2, 16)]


def test_the_provider_keeps_an_ended_placement_14_days_then_loses_it(pw):
    placement = _placement(pw.placed)
    with on(date(2026, 2, 20)):
        placement_end(placement_id=placement.pk, on=date(2026, 2, 18), by=pw.coordinator)
    assert placed_cases(pw.bilda, today=date(2026, 3, 4)).filter(pk=pw.placed.pk).exists()
    assert not placed_cases(pw.bilda, today=date(2026, 3, 5)).filter(pk=pw.placed.pk).exists()
    with on(date(2026, 3, 5)), pytest.raises(PermissionDenied):
        _record(pw, date(2026, 2, 16))


def test_the_history_keeps_who_placed_and_who_ended(pw):
    placement = _placement(pw.placed)
    with on(date(2026, 2, 20)):
        placement_end(placement_id=placement.pk, on=date(2026, 2, 18), by=pw.coordinator)
    versions = list(placement.history.order_by("history_date", "history_id"))
    assert [(v.ended_on, v.history_change_reason) for v in versions] == [
        (None, "placement.create"),
        (date(2026, 2, 18), "placement.end"),
    ]
    assert versions[-1].history_user == pw.coordinator


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 1, 19), "före den dag den gjordes"),
        (date(2026, 2, 21), "framtiden"),
    ],
)
def test_an_end_before_the_placement_or_in_the_future_is_refused(pw, day, message):
    placement = _placement(pw.placed)
    with on(date(2026, 2, 20)), pytest.raises(CaseRuleError, match=message):
        placement_end(placement_id=placement.pk, on=day, by=pw.coordinator)
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_an_ended_placement_cannot_be_ended_again(pw):
    placement = _placement(pw.placed)
    with on(date(2026, 2, 20)):
        placement_end(placement_id=placement.pk, on=date(2026, 2, 18), by=pw.coordinator)
        with pytest.raises(PermissionDenied):
            placement_end(placement_id=placement.pk, on=date(2026, 2, 19), by=pw.coordinator)
    placement.refresh_from_db()
    assert placement.ended_on == date(2026, 2, 18)


def test_only_a_coordinator_in_scope_ends_a_placement(pw):
    placement = _placement(pw.placed)
    other = UserFactory(username="samordnare_x", roles=["coordinator"], units=[unit()])
    with on(date(2026, 2, 20)):
        for user in (pw.bilda, other):
            with pytest.raises(PermissionDenied):
                placement_end(placement_id=placement.pk, on=date(2026, 2, 18), by=user)
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_the_case_exit_ends_its_placements_on_the_exit_date(pw):
    with on(date(2026, 1, 21)):
        placement_create(
            case_id=pw.placed.pk,
            provider=Organisation.objects.get(code="erikshjalpen"),
            by=pw.coordinator,
        )
    with on(date(2026, 3, 5)):
        case_exit(
            case_id=pw.placed.pk, on=date(2026, 3, 4), reason_code="ARBETE", by=pw.coordinator
        )
        _record(pw, date(2026, 3, 2))  # the exit's week, reported the day after
    rows = Placement.objects.filter(case=pw.placed)
    assert rows.count() == 2 and {p.ended_on for p in rows} == {date(2026, 3, 4)}
    reasons = {v.history_change_reason for v in Placement.history.filter(case=pw.placed)}
    assert "placement.end.case_exit" in reasons
    assert _placement(pw.skyddad).ended_on is None  # another case's placement runs on


def test_the_end_page_shows_the_placement_logs_the_read_and_ends_it(client, pw):
    placement = _placement(pw.placed)
    url = reverse("providers:placement_end", args=[placement.pk])
    client.force_login(pw.coordinator)
    with on(date(2026, 2, 20)):
        logs = AccessLog.objects.count()
        page = client.get(url)
        assert page.status_code == 200 and "Bilda" in page.content.decode()
        new = list(AccessLog.objects.order_by("pk")[logs:])
        assert [r.participant_ids for r in new] == [[pw.placed.participant_id]]
        response = client.post(url, {"on": "2026-02-18"})
    assert response.status_code == 302 and response["Location"] == reverse("providers:follow_up")
    placement.refresh_from_db()
    assert placement.ended_on == date(2026, 2, 18)


def test_a_refused_end_on_the_page_says_why_and_writes_nothing(client, pw):
    placement = _placement(pw.placed)
    client.force_login(pw.coordinator)
    with on(date(2026, 2, 20)):
        response = client.post(
            reverse("providers:placement_end", args=[placement.pk]), {"on": "2026-03-01"}
        )
    assert response.status_code == 200
    assert "Slutdatumet kan inte ligga i framtiden." in response.content.decode()
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_the_provider_gets_404_and_a_security_event_on_the_end_page(client, pw):
    placement = _placement(pw.placed)
    client.force_login(pw.bilda)
    events = SecurityEvent.objects.count()
    response = client.post(
        reverse("providers:placement_end", args=[placement.pk]), {"on": "2026-02-18"}
    )
    assert response.status_code == 404
    assert SecurityEvent.objects.count() == events + 1
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_the_follow_up_lists_active_placements_with_an_end_link(client, pw):
    client.force_login(pw.coordinator)
    html = client.get(reverse("providers:follow_up")).content.decode()
    placement = _placement(pw.placed)
    assert reverse("providers:placement_end", args=[placement.pk]) in html
