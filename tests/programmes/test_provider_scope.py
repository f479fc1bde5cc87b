"""The `leverantor` role (Bromodellen 002 §5–6): the exact status, the access-log row of
every 200 and a security event for every 404 (S2, L1).

The `leverantor` column of the shared role × route matrix (docs/access-control.md,
tests/test_access_matrix.py) covers every route for the provider; the table below adds
the cases only the provider world has (another provider, an unplaced or protected case).
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessLog, SecurityEvent
from audit.services import log_read
from casework.models import Attendance, Transition
from tests.audit.world import build_world
from tests.programmes.provider_world import build_provider_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(db):
    world = build_world()
    log_read(
        user=world.users["coordinator"],
        action="case.detail",
        participant_ids=[world.case.participant_id],
    )
    return world, build_provider_world()


def _url(name, case=None):
    return reverse(name, args=[case.pk]) if case is not None else reverse(name)


# (route, method, object, user, status, participants in the log row or None for no row)
PROVIDER_ROUTES = [
    ("providers:participants", "GET", None, "bilda", 200, ["placed"]),
    ("providers:participants", "GET", None, "erikshjalpen", 200, []),
    ("providers:participants", "GET", None, "coordinator", 404, None),
    ("providers:participants", "GET", None, "anonymous", 302, None),
    ("providers:attendance", "GET", "placed", "bilda", 200, ["placed"]),
    ("providers:attendance", "GET", "placed", "erikshjalpen", 404, None),
    ("providers:attendance", "GET", "unplaced", "bilda", 404, None),
    ("providers:attendance", "GET", "skyddad", "bilda", 404, None),
    ("providers:attendance", "GET", "placed", "coordinator", 404, None),
    ("providers:attendance", "GET", "placed", "anonymous", 302, None),
    ("providers:attendance", "POST", "placed", "bilda", 302, None),
    ("providers:attendance", "POST", "placed", "erikshjalpen", 404, None),
    ("providers:attendance", "POST", "unplaced", "bilda", 404, None),
    ("providers:follow_up", "GET", None, "coordinator", 200, ["placed", "unplaced", "skyddad"]),
    ("providers:follow_up", "GET", None, "bilda", 404, None),
    ("providers:follow_up", "GET", None, "anonymous", 302, None),
    ("providers:place", "POST", None, "bilda", 404, None),
]


@pytest.mark.parametrize(
    ("route", "method", "obj", "who", "status", "logged"),
    PROVIDER_ROUTES,
    ids=[f"{r[1]} {r[0]} [{r[2]}] as {r[3]}" for r in PROVIDER_ROUTES],
)
def test_provider_routes(client, worlds, route, method, obj, who, status, logged):
    _world, pw = worlds
    user = {"bilda": pw.bilda, "erikshjalpen": pw.erikshjalpen, "coordinator": pw.coordinator}
    if who != "anonymous":
        client.force_login(user[who])
    case = getattr(pw, obj) if obj else None
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()
    attendance = Attendance.objects.count()
    data = {"week": "2026-02-09", "planned_days": "5", "days_present": "4"}
    url = _url(route, case)
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == status
    new_logs = list(AccessLog.objects.order_by("pk")[logs:])
    if logged is None:
        assert new_logs == []
    else:
        assert len(new_logs) == 1 and new_logs[0].user == user[who]
        expected_ids = sorted(getattr(pw, o).participant_id for o in logged)
        assert new_logs[0].participant_ids == expected_ids
    assert SecurityEvent.objects.count() - events == (1 if status == 404 else 0)
    wrote = route == "providers:attendance" and method == "POST" and status == 302
    assert Attendance.objects.count() == attendance + (1 if wrote else 0)


def test_the_provider_sees_name_birth_year_insats_planned_end_and_attendance_only(client, worlds):
    _world, pw = worlds
    client.force_login(pw.bilda)
    client.post(
        _url("providers:attendance", pw.placed),
        {"week": "2026-02-09", "planned_days": "5", "days_present": "4"},
    )
    html = client.get(_url("providers:participants")).content.decode()
    person = pw.placed.participant
    assert str(person) in html and "1987" in html and "2026-06-30" in html
    assert "Kartläggning" in html
    assert person.personnummer not in html and person.personnummer[2:8] not in html
    assert "Hemlig anteckning" not in html
    assert "Skyddad" not in html and str(pw.unplaced.participant) not in html
    assert (
        "Hemlig anteckning"
        not in client.get(_url("providers:attendance", pw.placed)).content.decode()
    )


def test_attendance_is_refused_before_the_insats_and_after_the_case_ends(worlds):
    from casework.rules import CaseRuleError
    from casework.services import attendance_record, case_exit
    from providers.services import provider_attendance_record

    _world, pw = worlds
    record = {"case_id": pw.placed.pk, "by": pw.bilda, "planned_days": 5, "days_present": 3}
    with pytest.raises(CaseRuleError, match="före insatsens start"):
        provider_attendance_record(week=date(2025, 12, 29), **record)  # week ends 2026-01-04
    provider_attendance_record(week=date(2026, 1, 5), **record)  # the start's own week
    case_exit(case_id=pw.placed.pk, on=date(2026, 3, 4), reason_code="ARBETE", by=pw.coordinator)
    # The exit ends the placement on 2026-03-04; the provider reports within 14 days.
    with time_machine.travel(datetime(2026, 3, 12, 12, tzinfo=UTC), tick=False):
        provider_attendance_record(week=date(2026, 3, 2), **record)  # the exit's week: allowed
        with pytest.raises(CaseRuleError, match="efter att ärendet avslutats"):
            attendance_record(case_id=pw.placed.pk, week=date(2026, 3, 9), days_present=3,
                              by=pw.coordinator)  # fmt: skip
        with pytest.raises(CaseRuleError, match="Placeringen avslutades 2026-03-04"):
            provider_attendance_record(week=date(2026, 3, 9), **record)
    weeks = set(Attendance.objects.filter(case=pw.placed).values_list("week", flat=True))
    assert weeks == {date(2026, 1, 5), date(2026, 3, 2)}
    assert Transition.objects.filter(case=pw.placed).count() == 3


def test_attendance_in_aktualisering_is_refused(worlds):
    from casework.rules import CaseRuleError
    from casework.services import attendance_record
    from programmes.models import Programme
    from referrals.services import referral_register
    from tests.factories import make_pnr, unit

    _world, pw = worlds
    new = referral_register(
        personnummer_value=make_pnr(date(1987, 4, 12), 704),
        gender="M",
        programme=Programme.objects.get(code="BROMODELLEN"),
        unit=unit("linkoping-arena"),
        on=date(2026, 1, 2),
        income_support="EB_ANNAT",
        by=pw.coordinator,
        baseline_step=1,
    )
    with pytest.raises(CaseRuleError, match="före insatsens start"):
        attendance_record(case_id=new.pk, week=date(2026, 2, 2), days_present=2, by=pw.coordinator)
    assert not Attendance.objects.filter(case=new).exists()


def test_days_present_cannot_exceed_planned_days(worlds):
    from casework.rules import CaseRuleError
    from providers.services import provider_attendance_record

    _world, pw = worlds
    with pytest.raises(CaseRuleError, match="planerade"):
        provider_attendance_record(
            case_id=pw.placed.pk, week=date(2026, 2, 2), days_present=4, planned_days=3, by=pw.bilda
        )


def test_coordinator_sees_monthly_percent_and_those_under_the_threshold(client, worlds):
    from casework.services import attendance_record

    _world, pw = worlds
    for week, present in ((date(2026, 2, 2), 5), (date(2026, 2, 9), 5), (date(2026, 2, 16), 4)):
        attendance_record(case_id=pw.placed.pk, week=week, days_present=present, by=pw.coordinator)
    for week in (date(2026, 2, 2), date(2026, 2, 9)):
        attendance_record(case_id=pw.unplaced.pk, week=week, days_present=2, by=pw.coordinator)
    attendance_record(
        case_id=pw.placed.pk, week=date(2026, 3, 2), days_present=0, by=pw.coordinator
    )
    client.force_login(pw.coordinator)
    response = client.get(reverse("providers:follow_up"), {"manad": "2026-02", "grans": "80"})
    rows = {r.case.pk: r.percent for r in response.context["rows"]}
    assert rows == {pw.placed.pk: 93, pw.unplaced.pk: 40}  # 14 of 15; 4 of 10
    assert [r.case.pk for r in response.context["low"]] == [pw.unplaced.pk]
