"""The indicator report and a saved report in a real browser, checked with axe-core."""

from datetime import date

import pytest

from tests.browser.conftest import assert_accessible
from tests.casework.indicator_journal import Journal
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db(transaction=True)
QUERY = "?kind=tertial&year=2026&tertial=1"


@pytest.fixture
def manager(db):
    j = Journal()
    case = j.refer(date(2026, 1, 2), gender="K")
    j.start(case, "jobbsok", date(2026, 1, 12))
    j.exit(case, date(2026, 3, 4), "ARBETE")
    j.refer(date(2026, 2, 1), gender="X")
    return UserFactory(roles=["manager"], units=[unit()])


def test_report_chart_errors_and_saved_report_are_accessible(page, login, manager):
    """The report, its form errors and a saved report, each checked with axe-core."""
    login(page, manager)
    page.goto("/indikatorer/?kind=custom&start=2026-05-01")
    assert "Ange slutdatum" in page.inner_text(".error-summary")
    assert_accessible(page)
    page.goto("/indikatorer/" + QUERY)
    assert page.locator("h1").inner_text() == "Indikatorer per period"
    row = page.locator('table.indicators tr[data-code="IN4"] td.num')
    # each cell: this year's value, then last year's and the change on a line of its own
    assert [t.splitlines()[0] for t in row.all_inner_texts()[:4]] == ["1", "0", "1", "2"]
    # The charts come after the table (htmx), in place of a status line, and are drawn.
    page.wait_for_selector(
        '#charts[aria-busy="false"] svg[data-code="IN4"] rect.bar', state="attached"
    )
    chart = page.locator('svg.indicator-chart[data-code="IN4"]')
    assert chart.get_attribute("role") == "img"
    assert chart.locator("rect.bar").count() == 18  # 6 tertials × K, M, X
    assert "X" in chart.locator("text").all_text_contents()
    assert_accessible(page)
    page.get_by_role("button", name="Fastställ rapporten (skickad till styrelsen)").click()
    assert "Fastställ rapporten?" in page.locator("h1").inner_text()
    assert_accessible(page)  # the confirmation step
    page.get_by_role("button", name="Ja, fastställ").click()
    page.wait_for_url("**/faststallda/*/")
    assert "samma siffror" in page.content()
    assert_accessible(page)
    page.goto("/indikatorer/diagram/" + QUERY)  # the charts on a page of their own (no htmx)
    page.wait_for_selector('svg[data-code="IN4"] rect.bar', state="attached")
    assert page.locator("h1").inner_text() == "Utveckling de senaste tertialerna"
    assert_accessible(page)


def test_charts_that_fail_say_so_and_leave_the_table(browser, live_server, login, manager):
    """The charts' request answers 500: the status line says so (no endless "räknas
    fram"), the table stands, and the page raises no script error of its own."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda e: script_errors.append(str(e)))
    page.route("**/indikatorer/diagram/**", lambda route: route.fulfill(status=500, body=""))
    login(page, manager)
    page.goto("/indikatorer/" + QUERY)
    page.wait_for_selector('#charts[aria-busy="false"]', state="attached")
    status = page.locator("#charts [role=status]").inner_text()
    assert "kunde inte räknas fram" in status and "Öppna diagrammen på en egen sida" in status
    assert page.locator('table.indicators tr[data-code="IN4"]').count() > 0
    assert script_errors == []
    context.close()
