"""Log a referral in the web: live personnummer check, reuse, open-case refusal, eligibility."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import Case, Participant
from tests.factories import make_pnr, unit

PNR = make_pnr(date(1990, 5, 17), 321)


def post_data(jobbtorg, **over):
    return {
        "personnummer": PNR,
        "first_name": "Anna",
        "last_name": "Berg",
        "gender": "K",
        "programme": jobbtorg.pk,
        "unit": unit().pk,
        "referred_on": "2026-01-02",
        "source": "SOC",
        "income_support": "EB_ARBETSLOSHET",
        "baseline_step": "2",
        "referral_reason": "Arbetslös sedan ett år",
    } | over


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    return client


def test_valid_number_is_confirmed_as_typed(web):
    r = web.get(reverse("referrals:check_personnummer"), {"personnummer": PNR})
    assert "Giltigt personnummer, född 1990-05-17" in r.content.decode()


def test_samordningsnummer_is_recognised(web):
    pnr = make_pnr(date(1990, 5, 17), 321, samordning=True)
    r = web.get(reverse("referrals:check_personnummer"), {"personnummer": pnr})
    assert "Giltigt samordningsnummer" in r.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (PNR[:-1] + str((int(PNR[-1]) + 1) % 10), "Kontrollsiffran stämmer inte"),
        ("19900230-1234", "datum som inte finns"),
        ("abc", "Skriv personnumret som"),
    ],
)
def test_invalid_number_gets_a_swedish_message(web, value, message):
    r = web.get(reverse("referrals:check_personnummer"), {"personnummer": value})
    assert message in r.content.decode()


def test_plain_post_registers_the_referral_with_baseline(web, jobbtorg):
    r = web.post(reverse("referrals:new"), post_data(jobbtorg))
    assert r.status_code == 302
    case = Case.objects.get()
    assert (case.state, case.baseline_step, case.source) == ("aktualisering", 2, "SOC")
    assert case.referral_reason == "Arbetslös sedan ett år"


def test_invalid_number_in_plain_post_is_shown_next_to_the_field(web, jobbtorg):
    r = web.post(reverse("referrals:new"), post_data(jobbtorg, personnummer="19900517-0000"))
    html = r.content.decode()
    assert "Kontrollsiffran stämmer inte" in html
    assert 'id="id_personnummer_error"' in html and 'id_personnummer_error"' in html
    assert Case.objects.count() == 0


def test_existing_person_is_reused_never_duplicated(web, jobbtorg, coordinator):
    web.post(reverse("referrals:new"), post_data(jobbtorg))
    case = Case.objects.get()
    from casework.services import case_exit

    case_exit(case_id=case.pk, on=date(2026, 1, 5), reason_code="EJ_AKTUELL", by=coordinator)
    r = web.post(reverse("referrals:new"), post_data(jobbtorg, referred_on="2026-02-01"))
    assert r.status_code == 302
    assert Participant.objects.count() == 1
    assert Case.objects.filter(participant=case.participant).count() == 2


def test_open_case_is_refused_with_a_link_to_it(web, jobbtorg):
    web.post(reverse("referrals:new"), post_data(jobbtorg))
    case = Case.objects.get()
    r = web.post(reverse("referrals:new"), post_data(jobbtorg, referred_on="2026-01-03"))
    html = r.content.decode()
    assert "redan ett öppet ärende" in html
    assert f"#case-{case.pk}" in html or f"/{case.pk}/" in html
    assert Case.objects.count() == 1


def test_eligibility_refusals_show_every_reason(web, jobbtorg):
    too_young = make_pnr(date(2012, 3, 3), 321)
    r = web.post(
        reverse("referrals:new"),
        post_data(jobbtorg, personnummer=too_young, income_support="SJUKPENNING"),
    )
    html = r.content.decode()
    assert "utanför målgruppen 18–64 år" in html
    assert "ingår inte i programmets målgrupp" in html
    assert Case.objects.count() == 0


def test_risk_exception_needs_a_note(web, jobbtorg):
    r = web.post(reverse("referrals:new"), post_data(jobbtorg, income_support="RISK"))
    assert "RISK kräver en anteckning" in r.content.decode()
    assert Case.objects.count() == 0
    r = web.post(
        reverse("referrals:new"),
        post_data(jobbtorg, income_support="RISK", risk_note="Identifierad med Campus"),
    )
    assert Case.objects.get().risk_note == "Identifierad med Campus"


def test_coach_may_not_log_referrals(client, coach):
    client.force_login(coach)
    assert client.get(reverse("referrals:new")).status_code == 404
