"""The footer switcher changes the language without JavaScript; both languages pass axe."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_switching_to_english_and_back_on_the_login_page(page):
    page.goto("/konto/logga-in/")
    assert page.get_attribute("html", "lang") == "sv"
    page.select_option("#language-select", "en")
    page.click("footer button[type=submit]")
    page.wait_for_selector("html[lang=en]")
    assert page.url.endswith("/konto/logga-in/")
    assert "Log in" in page.inner_text("main")
    assert_accessible(page)
    page.select_option("#language-select", "sv")
    page.click("footer button[type=submit]")
    page.wait_for_selector("html[lang=sv]")
    assert "Logga in" in page.inner_text("main")


def test_a_coach_reads_the_caseload_in_english(page, login, coach):
    login(page, coach)
    page.goto("/arenden/")
    page.select_option("#language-select", "en")
    page.click("footer button[type=submit]")
    page.wait_for_selector("html[lang=en]")
    assert page.url.endswith("/arenden/")
    assert "My cases" in page.inner_text("main")
    assert_accessible(page)
