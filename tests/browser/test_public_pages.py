"""The pages anyone reaches before logging in pass axe-core in real Chromium."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible_and_says_access_is_logged(page):
    page.goto("/konto/logga-in/")
    assert "loggas" in page.inner_text("main")
    assert_accessible(page)


def test_failed_login_shows_one_message_for_any_cause(page):
    page.goto("/konto/logga-in/")
    page.fill("#id_username", "finns-inte")
    page.fill("#id_password", "fel")
    page.click("button[type=submit]")
    assert "Fel användarnamn eller lösenord" in page.inner_text("main")
    assert_accessible(page)


def test_accessibility_statement_is_accessible(page):
    page.goto("/tillganglighet/")
    assert page.get_attribute("html", "lang") == "sv"
    assert_accessible(page)
