"""The acceptance matrix (S1, S2, P1, A1, A5, L1): every role × every personal-data route.

The expected statuses are read from docs/access-control.md (A6): one place for the rules.
To cover a new route, add its row there and its URL builder to `URLS` below.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AccessLog, SecurityEvent
from audit.services import log_read
from casework.models import Note, Transition
from casework.rules import ImmutableRecordError
from casework.services import note_correct
from tests.audit.world import build_world
from tests.factories import UserFactory, unit

DOC = Path(__file__).resolve().parents[1] / "docs" / "access-control.md"


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    obj: str
    expect: dict

    def __str__(self) -> str:
        return f"{self.method} {self.route} [{self.obj}]"


def read_matrix() -> tuple[list[str], list[Row]]:
    text = DOC.read_text()
    block = text.split("<!-- matrix:start -->")[1].split("<!-- matrix:end -->")[0]
    lines = [line for line in block.strip().splitlines() if not re.match(r"^\|[-| ]+\|$", line)]
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    roles = cells[0][3:]
    rows = [
        Row(c[0], c[1], c[2], dict(zip(roles, map(int, c[3:]), strict=True))) for c in cells[1:]
    ]
    return roles, rows


ROLES, ROUTES = read_matrix()


def participant(world, obj):
    return {"case": world.case, "skyddad": world.skyddad, "other": world.other}[obj].participant_id


def case_of(world, obj):
    return {"case": world.case, "skyddad": world.skyddad, "other": world.other}[obj]


def first_note(world, obj):
    case = case_of(world, obj)
    return Note.objects.filter(case=case).order_by("pk").first().pk


URLS = {
    "audit:access_log": lambda w, o: reverse("audit:access_log"),
    "audit:find_person": lambda w, o: reverse("audit:find_person"),
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
        args=[Transition.objects.filter(case=w.case).order_by("pk").first().pk],
    ),
    "admin:audit_accesslog_delete": lambda w, o: reverse(
        "admin:audit_accesslog_delete", args=[AccessLog.objects.order_by("pk").first().pk]
    ),
}
# Routes whose 200 shows no personal data, so writes no access-log row.
NO_PERSONAL_DATA = {"audit:find_person", "indicators:report"}
# Write routes: a valid POST in scope records one row and redirects (302) to the case.
WRITES = {
    "casework:case_action": {"text": "Samtal om planen.", "on": "2026-01-05"},
    "referrals:samrad": {"on": "2026-01-05", "note": ""},
}


@pytest.fixture
def world(db):
    w = build_world()
    admin = UserFactory(username="admin_a", roles=["admin"], units=[unit()], is_staff=True)
    w.users["admin"] = admin
    log_read(
        user=w.users["coordinator"], action="case.detail", participant_ids=[w.case.participant_id]
    )
    return w


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
        "anonymous",
    ]
    assert {row.route for row in ROUTES} <= set(URLS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROUTES, ids=str)
def test_role_route(client, world, row, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = URLS[row.route](world, row.obj)
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()
    notes, transitions = Note.objects.count(), Transition.objects.count()

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
