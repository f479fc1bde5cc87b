"""Every page of issue 13 passes axe-core in Chromium: the participant's survey on a
390 px phone, the coach's survey pages, the results, the provider's pages, the
coordinator's attendance follow-up, Järfälla's referral form, the case page with target
groups and steps, and the programme admin."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from casework.models import Case
from programmes.models import Programme
from providers.models import Placement
from surveys.models import SurveyQuestion
from surveys.services import invitation_create
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo():
    call_command("seed_demo", i_know=True, persons=30, stdout=io.StringIO())


def _fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized context; the spent link's 410 is the expected answer, not an error."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def test_the_participant_answers_on_a_phone(phone, demo):
    page = phone
    coach = User.objects.get(username="sikta-norra-coach")
    case = Case.objects.filter(coach=coach).first()
    _inv, token = invitation_create(case_id=case.pk, occasion="inskrivning", by=coach)
    page.goto(f"/enkat/svar/{token}/")
    assert page.get_attribute("html", "lang") == "sv"
    assert page.locator("nav").count() == 0 and page.locator("a").count() == 0
    assert _fits_the_width(page)
    assert_accessible(page)
    first = (
        SurveyQuestion.objects.filter(
            programme=case.programme, occasion="inskrivning", kind="skala"
        )
        .order_by("position")
        .first()
    )
    page.check(f"#id_q{first.pk}_3")
    page.check("#id_share_with_coach")
    page.click("button[type=submit]")
    assert "Tack för dina svar" in page.inner_text("main")
    assert_accessible(page)
    page.goto(f"/enkat/svar/{token}/")
    assert "Länken fungerar inte" in page.inner_text("main")
    assert _fits_the_width(page)
    assert_accessible(page)


def test_coach_survey_pages_are_accessible(page, login, demo):
    coach = User.objects.get(username="sikta-vastra-coach")
    case = Case.objects.filter(coach=coach).first()
    login(page, coach)
    page.goto("/arenden/")
    reminders = page.locator("#survey-reminders-table")
    assert str(case.participant) in reminders.inner_text()
    assert "Deltagarenkät vid" in reminders.inner_text()
    assert_accessible(page)  # the caseload with the named survey rows
    page.goto("/enkat/paminnelser/")
    assert str(case.participant) in page.inner_text("main")
    assert_accessible(page)
    page.goto("/arenden/")
    page.click(f"#survey-reminders-table a:has-text('Svara på skärmen med {case.participant}')")
    assert "/svara/" in page.url
    assert_accessible(page)
    page.goto(f"/enkat/arende/{case.pk}/")
    page.click("form[action$='/inskrivning/lank/'] button")
    assert "/enkat/svar/" in page.input_value("#survey-link-url")
    assert_accessible(page)
    page.goto(f"/enkat/arende/{case.pk}/utskrivning/svara/")
    assert_accessible(page)


def test_results_page_is_accessible(page, login, demo):
    login(page, User.objects.get(username="demo-coordinator"))
    page.goto("/enkat/resultat/")
    assert "Medel" in page.inner_text("main")
    assert_accessible(page)


def test_provider_and_follow_up_pages_are_accessible(page, login, demo):
    login(page, User.objects.get(username="bilda-leverantor"))
    page.goto("/leverantor/")
    assert page.locator("#placed tbody tr").count() == 2
    assert_accessible(page)
    page.click("#placed tbody tr:first-child a")
    case = Case.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    week_before_start = case.referred_on - timedelta(days=case.referred_on.weekday())
    page.fill("#id_week", week_before_start.isoformat())
    page.fill("#id_days_present", "3")
    page.click("main button[type=submit]")
    assert "före insatsens start" in page.inner_text("main")
    assert_accessible(page)
    page.context.clear_cookies()
    login(page, User.objects.get(username="arena-coordinator"))
    page.goto("/leverantor/uppfoljning/")
    assert page.locator("#placements tbody tr").count() == Placement.objects.active().count()
    assert_accessible(page)


def test_the_placement_end_form_is_accessible_and_refuses_a_future_date(page, login, demo):
    from django.utils import timezone

    login(page, User.objects.get(username="arena-coordinator"))
    page.goto("/leverantor/uppfoljning/")
    active = Placement.objects.active().count()
    page.click("#placements tbody tr:first-child a[href$='/avsluta/']")
    assert "Avsluta placeringen av" in page.inner_text("h1")
    assert_accessible(page)
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.fill("#id_on", tomorrow.isoformat())
    page.click("main button[type=submit]")
    assert "Slutdatumet kan inte ligga i framtiden." in page.inner_text("#error-summary")
    assert_accessible(page)
    page.fill("#id_on", timezone.localdate().isoformat())
    page.click("main button[type=submit]")
    page.wait_for_url("**/leverantor/uppfoljning/")
    assert "Placeringen är avslutad." in page.inner_text("body")
    assert Placement.objects.filter(ended_on=timezone.localdate()).count() == 1
    assert page.locator("#placements tbody tr").count() == active - 1
    assert_accessible(page)


def test_jarfalla_referral_form_and_case_page_are_accessible(page, login, demo):
    coordinator = User.objects.get(username="jarfalla-coordinator")
    login(page, coordinator)
    page.goto("/aktualiseringar/ny/")
    assert page.locator("#id_born_outside_europe").count() == 1
    assert_accessible(page)
    case = Case.objects.filter(programme__code="AME_JARFALLA").order_by("pk").last()
    page.goto(f"/arenden/{case.pk}/")
    assert "Målgrupper vid aktualiseringen" in page.inner_text("main")
    assert_accessible(page)
    page.click("button[data-action=target_groups]")
    page.wait_for_selector("#action-panel form")
    assert_accessible(page)


def test_bromodellen_case_page_shows_the_ladder_accessibly(page, login, demo):
    login(page, User.objects.get(username="arena-coordinator"))
    case = Case.objects.filter(coach__username="arena-coordinator").order_by("pk").first()
    page.goto(f"/arenden/{case.pk}/")
    assert page.locator("#steps tbody tr").count() == 2
    assert_accessible(page)


def test_programme_admin_pages_are_accessible(page, login, demo):
    # Each organisation's admin sees its own programmes only (issue 17 item 3): the operator
    # opens all three.
    from tests.factories import UserFactory

    login(page, UserFactory(username="operator", is_staff=True, is_superuser=True))
    for code in ("SIKTA", "AME_JARFALLA", "BROMODELLEN"):
        page.goto(f"/admin/programmes/programme/{Programme.objects.get(code=code).pk}/change/")
        assert page.locator("input[name=target_groups]").count() == 6
        assert_accessible(page)
    page.goto("/admin/surveys/surveyquestion/")
    assert_accessible(page)
    question = SurveyQuestion.objects.order_by("pk").first()
    page.goto(f"/admin/surveys/surveyquestion/{question.pk}/change/")
    assert_accessible(page)
