"""The web side of the 2026-12 rules: the empty-spell warning, the return with the extension
in the start form, past overstays on the case page, Sikta's exit reasons in the exit form."""

from datetime import date

import time_machine
from django.urls import reverse

from casework.models import Extension, Transition
from casework.services import case_start_insats

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 9, 1)


def action_url(case, name):
    return reverse("casework:case_action", args=[case.pk, name])


@time_machine.travel(TODAY, tick=False)
def test_a_start_on_the_day_of_the_last_change_warns_before_it_saves(client, coach, coach_case):
    client.force_login(coach)
    case_start_insats(case_id=coach_case.pk, insats="jobbsok", on=date(2026, 1, 20), by=coach)
    before = Transition.objects.filter(case=coach_case).count()
    form = {"on": "2026-01-20"}
    response = client.post(action_url(coach_case, "start_arbetstraning"), form)
    assert response.status_code == 200
    assert "blir den perioden tom" in response.content.decode()
    assert Transition.objects.filter(case=coach_case).count() == before
    response = client.post(
        action_url(coach_case, "start_arbetstraning"), {**form, "confirm_empty": "on"}
    )
    assert response.status_code == 302
    assert Transition.objects.filter(case=coach_case).count() == before + 1


@time_machine.travel(TODAY, tick=False)
def test_the_start_form_grants_the_unused_extension_on_return(client, coach, coach_case):
    client.force_login(coach)
    case_start_insats(case_id=coach_case.pk, insats="arbetstraning", on=date(2026, 1, 10), by=coach)
    case_start_insats(case_id=coach_case.pk, insats="jobbsok", on=date(2026, 7, 10), by=coach)
    url = action_url(coach_case, "start_arbetstraning")
    refused = client.post(url, {"on": "2026-08-01"})
    assert "181 dagar av 181" in refused.content.decode()
    response = client.post(url, {"on": "2026-08-01", "extension_reason": "Återkommer"})
    assert response.status_code == 302
    assert Extension.objects.get(case=coach_case).effective_on == date(2026, 8, 1)


@time_machine.travel(TODAY, tick=False)
def test_the_case_page_lists_a_past_overstay(client, coach, coach_case):
    client.force_login(coach)
    case_start_insats(case_id=coach_case.pk, insats="jobbsok", on=date(2026, 4, 5), by=coach)
    html = client.get(reverse("casework:case_detail", args=[coach_case.pk])).content.decode()
    assert 'id="overstays"' in html and "2026-02-04" in html


@time_machine.travel(TODAY, tick=False)
def test_the_exit_form_offers_sikta_ways_on_only_in_sikta(client, coach, coach_case):
    client.force_login(coach)
    html = client.get(action_url(coach_case, "exit")).content.decode()
    assert "FORSTARKT_SAMARBETE" not in html
