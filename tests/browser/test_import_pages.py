"""The import upload and its polling status page work in Chromium and pass axe-core (W1, IM1)."""

import pytest

from referrals.importing.writer import to_csv
from tests.browser.conftest import assert_accessible
from tests.factories import UserFactory, unit
from tests.referrals.test_import_errors import ERIK, ev, good_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def seeded():
    """A transactional test flushes the migrations' seed data: put units and roles back."""
    from django.contrib.auth.models import Group, Permission

    from casework.roles import ROLE_PERMISSIONS
    from programmes import seed
    from programmes.models import InsatsRule, Organisation, Programme, Unit

    seed.load(Organisation, Unit, Programme, InsatsRule)
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get_or_create(name=role)[0]
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def upload(page, tmp_path, rows, name="historik.csv"):
    path = tmp_path / name
    path.write_bytes(to_csv(rows))
    page.goto("/import/")
    assert_accessible(page)
    page.set_input_files("#id_file", str(path))
    page.click("main button[type=submit]")


def test_upload_polls_until_klar(page, login, tmp_path):
    login(page, UserFactory(roles=["coordinator"], units=[unit()]))
    upload(page, tmp_path, good_person())
    page.wait_for_selector("text=Importen är klar", timeout=30_000)
    assert "4 av 4 rader" in page.inner_text("[role=status]")
    assert_accessible(page)


def test_invalid_upload_shows_the_row_errors(page, login, tmp_path):
    login(page, UserFactory(roles=["coordinator"], units=[unit()]))
    upload(page, tmp_path, [*good_person(), ev(ERIK, "avslut", "2024-05-01", "JOBB")])
    page.wait_for_selector("text=inget sparades", timeout=30_000)
    assert "Okänd kod: JOBB." in page.inner_text("[role=status]")
    assert_accessible(page)
