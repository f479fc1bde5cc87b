"""The acceptance matrix (S1, S2, P1, A1, A5, L1): every role × every personal-data route.

The expected statuses are read from docs/access-control.md (A6): one place for the rules.
To cover a new route, add its row there and its URL builder to `URLS` below.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog, SecurityEvent
from audit.services import log_read
from casework.models import Attendance, Note, Transition
from casework.rules import ImmutableRecordError
from casework.services import note_correct
from programmes.models import Goal, Organisation, Programme, ProgrammeBudget, Unit, Workplace
from providers.models import Placement
from tests.audit.world import build_world
from tests.factories import UserFactory, unit, workplace
from tests.programmes.provider_world import build_provider_world

DOC = Path(__file__).resolve().parents[1] / "docs" / "access-control.md"


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    obj: str
    expect: dict

    def __str__(self) -> str:
        return f"{self.method} {self.route} [{self.obj}]"


def read_matrix(name: str = "matrix") -> tuple[list[str], list[Row]]:
    text = DOC.read_text()
    block = text.split(f"<!-- {name}:start -->")[1].split(f"<!-- {name}:end -->")[0]
    lines = [line for line in block.strip().splitlines() if not re.match(r"^\|[-| ]+\|$", line)]
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    roles = cells[0][3:]
    rows = [
        Row(c[0], c[1], c[2], dict(zip(roles, map(int, c[3:]), strict=True))) for c in cells[1:]
    ]
    return roles, rows


ROLES, ROUTES = read_matrix()


def case_of(world, obj):
    cases = {"case": world.case, "skyddad": world.skyddad, "other": world.other}
    if obj == "placed":
        return world.provider.placed
    return cases[obj]


def participant(world, obj):
    return case_of(world, obj).participant_id


def placement_of(world, obj):
    return Placement.objects.get(case=case_of(world, obj), provider__code="bilda")


def first_note(world, obj):
    case = case_of(world, obj)
    return Note.objects.filter(case=case).order_by("pk").first().pk


URLS = {
    "audit:access_log": lambda w, o: reverse("audit:access_log"),
    "audit:find_person": lambda w, o: reverse("audit:find_person"),
    "audit:full_extract": lambda w, o: reverse("audit:full_extract"),
    "audit:participant_history": lambda w, o: reverse(
        "audit:participant_history", args=[participant(w, o)]
    ),
    "audit:register_extract": lambda w, o: reverse(
        "audit:register_extract", args=[participant(w, o)]
    ),
    "audit:register_extract_pdf": lambda w, o: reverse(
        "audit:register_extract_pdf", args=[participant(w, o)]
    ),
    "casework:search": lambda w, o: reverse("casework:search") + "?q=Ingrid",
    "casework:unassigned": lambda w, o: reverse("casework:unassigned"),
    "casework:bulk_exit": lambda w, o: reverse("casework:bulk_exit"),
    "casework:case_detail": lambda w, o: reverse("casework:case_detail", args=[case_of(w, o).pk]),
    "casework:case_action": lambda w, o: reverse(
        "casework:case_action", args=[case_of(w, o).pk, "note"]
    ),
    "referrals:samrad": lambda w, o: reverse("referrals:samrad", args=[case_of(w, o).pk]),
    "referrals:queue": lambda w, o: reverse("referrals:queue"),
    "casework:caseload": lambda w, o: reverse("casework:caseload"),
    "casework:inactive": lambda w, o: reverse("casework:inactive"),
    "indicators:report": lambda w, o: reverse("indicators:report"),
    "admin:casework_note_changelist": lambda w, o: reverse("admin:casework_note_changelist"),
    "admin:casework_note_change": lambda w, o: reverse(
        "admin:casework_note_change", args=[first_note(w, o)]
    ),
    "admin:casework_note_delete": lambda w, o: reverse(
        "admin:casework_note_delete", args=[first_note(w, o)]
    ),
    "admin:casework_transition_delete": lambda w, o: reverse(
        "admin:casework_transition_delete",
        args=[Transition.objects.filter(case=w.case).earliest("pk").pk],
    ),
    "admin:audit_accesslog_delete": lambda w, o: reverse(
        "admin:audit_accesslog_delete", args=[AccessLog.objects.earliest("pk").pk]
    ),
    "providers:participants": lambda w, o: reverse("providers:participants"),
    "providers:attendance": lambda w, o: reverse("providers:attendance", args=[case_of(w, o).pk]),
    "providers:follow_up": lambda w, o: reverse("providers:follow_up"),
    "providers:place": lambda w, o: reverse("providers:place"),
    "providers:placement_end": lambda w, o: reverse(
        "providers:placement_end", args=[placement_of(w, o).pk]
    ),
}
# Routes whose 200 shows no personal data, so writes no access-log row.
NO_PERSONAL_DATA = {"audit:find_person", "indicators:report"}
# Write routes: a valid POST in scope records one row and redirects (302) to the case.
WRITES = {
    "casework:case_action": {"text": "Samtal om planen.", "on": "2026-01-05"},
    "referrals:samrad": {"on": "2026-01-05", "note": ""},
    "providers:attendance": {"week": "2026-02-09", "planned_days": "5", "days_present": "4"},
    "providers:placement_end": {"on": timezone.localdate().isoformat()},
}


@pytest.fixture
def world(db):
    w = build_world()
    admin = UserFactory(username="admin_a", roles=["admin"], units=[unit()], is_staff=True)
    w.users["admin"] = admin
    w.users["leverantor"] = None  # built with the provider world, where a test needs it
    log_read(
        user=w.users["coordinator"], action="case.detail", participant_ids=[w.case.participant_id]
    )
    return w


def with_provider_world(world) -> None:
    """Bromodellen in Linköping, a participant placed with Bilda and Bilda's staff."""
    world.provider = build_provider_world()
    world.users["leverantor"] = world.provider.bilda


def _provider_counts() -> tuple[int, int]:
    return Attendance.objects.count(), Placement.objects.active().count()


def test_matrix_covers_every_role_and_route_builder():
    assert ROLES == [
        "coordinator",
        "coach_assigned",
        "coach_same_unit",
        "coach_other_unit",
        "coordinator_other",
        "manager",
        "auditor",
        "admin",
        "leverantor",
        "anonymous",
    ]
    assert {row.route for row in ROUTES} <= set(URLS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROUTES, ids=str)
def test_role_route(client, world, row, role):
    if role == "leverantor" or row.route.startswith("providers:"):
        with_provider_world(world)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = URLS[row.route](world, row.obj)
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()
    notes, transitions = Note.objects.count(), Transition.objects.count()
    attendance, placements = _provider_counts()

    data = WRITES.get(row.route, {"post": "yes"})
    response = client.get(url) if row.method == "GET" else client.post(url, data)

    expected = row.expect[role]
    assert response.status_code == expected, f"{row} as {role}"
    if expected == 302 and user is None:
        assert response["Location"].startswith(reverse("login"))
    new_logs = list(AccessLog.objects.order_by("pk")[logs:])
    if expected == 200 and row.route not in NO_PERSONAL_DATA:
        assert len(new_logs) == 1
        assert new_logs[0].user == user
        if row.obj != "–":
            assert new_logs[0].participant_ids == [participant(world, row.obj)]
    else:
        assert new_logs == []
    assert SecurityEvent.objects.count() - events == (1 if expected == 404 else 0)
    wrote = row.route in WRITES and expected == 302 and user is not None
    expected_notes = notes + (1 if wrote and row.route == "casework:case_action" else 0)
    assert (Note.objects.count(), Transition.objects.count()) == (expected_notes, transitions)
    recorded = wrote and row.route == "providers:attendance"
    ended = wrote and row.route == "providers:placement_end"
    assert _provider_counts() == (attendance + recorded, placements - ended)


# --- Documentation is never overwritten (C1, C2, L2) ---


@pytest.mark.parametrize("model", [Note, Transition])
def test_journal_rows_refuse_orm_edit_and_delete(world, model):
    row = model.objects.filter(case=world.case).first()
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(ImmutableRecordError):
        model.objects.filter(pk=row.pk).update(effective_on=date(2026, 1, 9))
    with pytest.raises(ImmutableRecordError):
        model.objects.filter(pk=row.pk).delete()


def test_access_log_rows_refuse_orm_edit_and_delete(world):
    row = AccessLog.objects.first()
    for attempt in (row.save, row.delete, AccessLog.objects.all().delete):
        with pytest.raises(PermissionError):
            attempt()
    with pytest.raises(PermissionError):
        AccessLog.objects.update(action="x")


def test_even_a_superuser_cannot_change_or_delete_in_the_admin(client, world):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    note = Note.objects.filter(case=world.case).first()
    log = AccessLog.objects.first()
    assert client.get(reverse("admin:casework_note_change", args=[note.pk])).status_code == 200
    client.post(reverse("admin:casework_note_change", args=[note.pk]), {"text": "ändrad"})
    assert (
        client.post(
            reverse("admin:casework_note_delete", args=[note.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:audit_accesslog_delete", args=[log.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    note.refresh_from_db()
    assert note.text == "Första samtalet."
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_a_correction_keeps_the_original_readable(world):
    original = Note.objects.filter(case=world.case).first()
    correction = note_correct(
        note_id=original.pk, text="Första samtalet, per telefon.", by=world.users["coordinator"]
    )
    original.refresh_from_db()
    assert original.text == "Första samtalet."
    assert correction.supersedes == original
    assert list(original.corrections.all()) == [correction]


def test_no_role_group_may_change_or_delete_journal_or_log_rows(db):
    for group in Group.objects.all():
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert not {
            c
            for c in codenames
            if c.startswith(("change_", "delete_"))
            and c.split("_", 1)[1] in {"note", "transition", "accesslog", "samrad", "extension"}
        }


# --- The Django admin: every registered model, every role and organisation (issue 17) ---

ADMIN_ROLES, ADMIN_ROUTES = read_matrix("admin-matrix")
APP_LABELS = ("programmes", "auth", "otp_totp", "axes", "casework", "audit", "surveys", "api")
VIEWS_WITH_OBJECT = ("change", "delete", "history", "password_change")


@pytest.fixture
def admin_world(world):
    a, b = unit("nykoping-jobbtorg"), unit("linkoping-arena")
    users = {
        "coordinator": world.users["coordinator"],
        "coach": world.users["coach_assigned"],
        "manager": world.users["manager"],
        "auditor": world.users["auditor"],
        "admin": world.users["admin"],
        "admin_other": UserFactory(username="admin_b", roles=["admin"], units=[b], is_staff=True),
        "operator": UserFactory(username="operator", is_staff=True, is_superuser=True),
        "anonymous": None,
    }
    staff = UserFactory(username="admin_a2", roles=["admin"], units=[a], is_staff=True)
    objects = {
        "unit": (a, b),
        "programme": (
            Programme.objects.get(code="JOBBTORG"),
            Programme.objects.get(code="BROMODELLEN"),
        ),
        "workplace": (workplace(), workplace(unit_code="linkoping-arena")),
        "goal": (
            Goal.objects.filter(programme__code="JOBBTORG").earliest("pk"),
            Goal.objects.create(
                programme=Programme.objects.get(code="BROMODELLEN"),
                year=2026,
                measure="UT2",
                kind="more_than_last_year",
                wording="Fler",
            ),
        ),
        "programmebudget": (
            ProgrammeBudget.objects.get(programme__code="JOBBTORG", year=2026),
            ProgrammeBudget.objects.get(programme__code="BROMODELLEN", year=2026),
        ),
        "organisation": (a.organisation, b.organisation),
        "user": (world.users["coordinator"], world.users["coordinator_other"], staff),
        "note": (Note.objects.filter(case=world.case).first(),),
        "securityevent": (SecurityEvent.objects.create(kind="lockout"),),
    }
    return users, objects


def _admin_target(route: str) -> tuple[str, str]:
    """'admin:auth_user_password_change' -> ('user', 'password_change')."""
    name = route.removeprefix("admin:")
    app = next(label for label in APP_LABELS if name.startswith(label + "_"))
    model, _sep, view = name.removeprefix(app + "_").partition("_")
    return model, view


def _admin_url(row, objects):
    model, view = _admin_target(row.route)
    if view not in VIEWS_WITH_OBJECT:
        return reverse(row.route), None
    obj = objects[model][{"own": 0, "other": 1, "staff": 2}[row.obj]]
    return reverse(row.route, args=[obj.pk]), obj


def _admin_post_data(row, obj, users) -> dict:
    """The attacks: another organisation's coordinator into a unit; a user made staff,
    superuser and admin with a unit of the other organisation."""
    model, view = _admin_target(row.route)
    both = [users["coordinator"].pk, User.objects.get(username="samordnare_b").pk]
    if (model, view) == ("unit", "change"):
        return {"organisation": obj.organisation_id, "code": obj.code, "name": obj.name,
                "members": both}  # fmt: skip
    if (model, view) == ("user", "change"):
        return {"username": obj.username, "first_name": "Ny", "last_name": "Roll",
                "is_active": "on", "is_staff": "on", "is_superuser": "on",
                "groups": [Group.objects.get(name="admin").pk],
                "units": [unit().pk, unit("linkoping-arena").pk]}  # fmt: skip
    return {"post": "yes"}


def _admin_state() -> tuple:
    return (
        sorted(Unit.members.through.objects.values_list("unit_id", "user_id")),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        sorted(User.objects.values_list("pk", "is_staff", "is_superuser", "is_active")),
        [m.objects.count() for m in (Unit, Programme, Workplace, Organisation, Note)],
    )


def test_admin_matrix_covers_every_registered_model():
    from django.contrib import admin

    covered = {_admin_target(row.route)[0] for row in ADMIN_ROUTES}
    registered = {m._meta.model_name for m in admin.site._registry}
    optional = {"accesslog", "accessfailurelog"}  # axes' own logs, same rule as accessattempt
    assert registered - covered <= optional


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("row", ADMIN_ROUTES, ids=str)
def test_admin_role_route(client, admin_world, row, role):
    users, objects = admin_world
    user = users[role]
    if user is not None:
        client.force_login(user)
    url, obj = _admin_url(row, objects)
    refused = SecurityEvent.objects.filter(kind="scope_refused").count()
    before = _admin_state()

    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _admin_post_data(row, obj, users))

    expected = row.expect[role]
    assert response.status_code == expected, f"{row} as {role}"
    if expected == 302 and (user is None or not user.is_staff):
        login = reverse("login") if user is None else reverse("admin:login")
        assert response["Location"].startswith(login)
    new_refusals = SecurityEvent.objects.filter(kind="scope_refused").count() - refused
    assert new_refusals == (1 if expected == 404 else 0)
    if not (expected == 302 and role == "operator"):
        assert _admin_state() == before
