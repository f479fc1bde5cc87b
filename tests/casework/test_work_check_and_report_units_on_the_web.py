"""The coach records K3's facts on the case page; the report page offers only the units
the user may see and narrows to the chosen one (issue 14)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from casework.models import EmploymentCheck, Transition
from tests.casework.indicator_journal import Journal
from tests.factories import UserFactory, unit

from .coach_fixtures import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def action_url(case, name):
    return reverse("casework:case_action", args=[case.pk, name])


@time_machine.travel(date(2026, 4, 10), tick=False)
def test_an_exit_to_work_needs_its_form_and_a_month_later_the_coach_records_the_check(
    client, coach, coach_case
):
    client.force_login(coach)
    refused = client.post(
        action_url(coach_case, "exit"), {"on": "2026-03-02", "reason_code": "ARBETE"}
    )
    assert "Välj anställningsform vid avslut till arbete." in refused.content.decode()
    assert not Transition.objects.filter(case=coach_case, to_state="avslutad").exists()
    data = {"on": "2026-03-02", "reason_code": "ARBETE", "employment_form": "subventionerad"}
    assert client.post(action_url(coach_case, "exit"), data).status_code == 302
    exit_row = Transition.objects.get(case=coach_case, to_state="avslutad")
    assert exit_row.employment_form == "subventionerad" and exit_row.studiemedel is None
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert 'data-action="work_check"' in html
    early = client.post(
        action_url(coach_case, "work_check"), {"on": "2026-04-01", "lasted_month": "ja"}
    )
    assert "tidigast 2026-04-02" in early.content.decode()
    ok = client.post(
        action_url(coach_case, "work_check"), {"on": "2026-04-02", "lasted_month": "ja"}
    )
    assert ok.status_code == 302
    check = EmploymentCheck.objects.get(case=coach_case)
    assert check.exit_on == date(2026, 3, 2) and check.lasted_month is True
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert 'data-action="work_check"' not in html
    assert "Avslutad: Arbete (subventionerad anställning)" in html
    assert (
        "Uppföljning av arbete efter en månad" in html and "Avslut till arbete 2026-03-02." in html
    )


@time_machine.travel(date(2026, 4, 10), tick=False)
def test_an_exit_to_studies_needs_the_studiemedel_answer(client, coach, coach_case):
    client.force_login(coach)
    refused = client.post(
        action_url(coach_case, "exit"), {"on": "2026-03-02", "reason_code": "STUDIER"}
    )
    assert "Ange om studierna ger rätt till studiemedel." in refused.content.decode()
    data = {"on": "2026-03-02", "reason_code": "STUDIER", "studiemedel": "ja"}
    assert client.post(action_url(coach_case, "exit"), data).status_code == 302
    assert Transition.objects.get(case=coach_case, to_state="avslutad").studiemedel is True


def test_the_report_offers_the_organisations_units_and_narrows_to_the_chosen_one(client):
    j = Journal()
    from programmes.models import MemberMunicipality

    home = MemberMunicipality.objects.get(programme__code="SIKTA", name="Nyköping")
    j.refer(date(2026, 1, 15), programme="SIKTA", home_municipality=home)
    manager = UserFactory(roles=["manager"], units=[unit("sikta-norra")])
    client.force_login(manager)
    query = {"kind": "tertial", "year": "2026", "tertial": "1"}
    page = client.get(reverse("indicators:report"), query)
    choices = [u.code for u in page.context["form"].fields["unit"].queryset]
    assert sorted(choices) == ["sikta-norra", "sikta-sodra", "sikta-vastra"]
    assert page.context["report"]["indicators"]["IN1"]["total"] == 1
    north = client.get(reverse("indicators:report"), query | {"unit": "sikta-norra"})
    assert north.context["report"]["unit"] == "sikta-norra"
    assert north.context["report"]["indicators"]["IN1"]["total"] == 0
    outside = client.get(reverse("indicators:report"), query | {"unit": "nykoping-jobbtorg"})
    assert "report" not in outside.context  # not a choice: the form is invalid
    assert 'id="breakdowns-heading"' in page.content.decode()


def test_the_import_records_the_exits_employment_form_and_refuses_it_on_studies():
    from referrals.importing.applier import run_import
    from referrals.importing.writer import to_csv
    from tests.referrals.test_import_errors import ERIK, ev, good_person, import_refused, only

    studies = [
        *good_person(),
        ev(ERIK, "avslut", "2024-05-02", "STUDIER", anstallningsform="reguljar"),
    ]
    reason = only(import_refused(to_csv(studies)), 6, "anstallningsform")
    assert reason == "Anges bara på avslut med ARBETE."
    bad = [*good_person(), ev(ERIK, "avslut", "2024-05-02", "ARBETE", anstallningsform="fast")]
    assert only(import_refused(to_csv(bad)), 6, "anstallningsform").startswith("Okänd kod: fast.")
    work = [*good_person(), ev(ERIK, "avslut", "2024-05-02", "ARBETE", anstallningsform="Reguljar")]
    assert run_import(to_csv(work), filename="historik.csv").ok
    assert Transition.objects.get(to_state="avslutad").employment_form == "reguljar"
