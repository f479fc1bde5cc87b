"""The auditor pages pass axe-core in real Chromium (W1), with data on them."""

from datetime import date

import pytest

from audit.services import log_read
from casework.services import note_add, note_correct
from tests.audit.world import build_world
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def ensure_seed() -> None:
    """A transactional test's flush removes the migrations' seed rows; put them back."""
    from django.contrib.auth.models import Group, Permission

    from casework.roles import ROLE_PERMISSIONS
    from programmes.models import InsatsRule, Organisation, Programme, Unit
    from programmes.seed import load

    load(Organisation, Unit, Programme, InsatsRule)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


@pytest.fixture
def world():
    ensure_seed()
    w = build_world()
    coord = w.users["coordinator"]
    note = note_add(case_id=w.case.pk, text="Samtal om mål.", on=date(2026, 1, 5), by=coord)
    note_correct(note_id=note.pk, text="Samtal om mål och hälsa.", by=coord)
    log_read(
        user=w.users["coach_same_unit"],
        action="case.detail",
        participant_ids=[w.case.participant_id],
    )
    return w


def test_access_log_history_and_extract_are_accessible(page, login, world):
    login(page, world.users["auditor"])
    page.goto("/granskning/atkomstlogg/")
    assert "Utanför" in page.inner_text("main")
    assert_accessible(page)
    page.click(f"a[href='/granskning/deltagare/{world.case.participant_id}/historik/']")
    assert "rättad" in page.inner_text("main")
    assert_accessible(page)
    page.click("text=Registerutdrag")
    assert "Sekretessprövas" in page.inner_text("main")
    assert_accessible(page)


def test_find_person_with_an_error_is_accessible(page, login, world):
    login(page, world.users["auditor"])
    page.goto("/granskning/registerutdrag/")
    page.fill("#id_personnummer", "19811218-9875")
    page.click("main button[type=submit]")
    assert "Ogiltigt personnummer" in page.inner_text("main")
    assert_accessible(page)
