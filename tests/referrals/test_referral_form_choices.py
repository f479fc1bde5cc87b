"""The referral form: kön, källa and försörjning must be chosen; every error at once."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import Case
from tests.factories import make_pnr

from .test_referral_log_page import post_data


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_form_starts_with_an_empty_choice_for_gender_source_and_income(web):
    html = web.get(reverse("referrals:new")).content.decode()
    for label in ("Välj kön …", "Välj källa …", "Välj försörjning …"):
        assert f'<option value="" selected>{label}</option>' in html


@pytest.mark.parametrize(
    ("field", "message"),
    [("gender", "Välj kön."), ("source", "Välj källa."), ("income_support", "Välj försörjning.")],
)
def test_an_unanswered_choice_is_refused(web, jobbtorg, field, message):
    html = web.post(reverse("referrals:new"), post_data(jobbtorg, **{field: ""})).content.decode()
    assert message in html
    assert not Case.objects.exists()


def test_age_and_the_risk_note_are_reported_together(web, jobbtorg):
    too_old = make_pnr(date(1950, 3, 3), 321)
    data = post_data(jobbtorg, personnummer=too_old, income_support="RISK", risk_note="")
    html = web.post(reverse("referrals:new"), data).content.decode()
    assert "utanför målgruppen 18–64 år" in html
    assert "Undantaget RISK kräver en anteckning" in html
    assert not Case.objects.exists()
