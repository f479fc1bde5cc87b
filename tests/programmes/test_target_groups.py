"""Järfälla's target groups at referral (004 §3–4): recorded as of the referral date,
asked only where the programme chooses, corrected by a new row with the old one kept."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import TargetGroupFacts
from casework.rules import CaseRuleError
from casework.target_groups import TargetGroupInput, target_groups_correct, unemployed_more_than
from programmes.models import Programme
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def jarfalla_coordinator():
    return UserFactory(roles=["coordinator"], units=[unit("jarfalla-ame")])


def refer_jarfalla(by, *, born=date(1990, 5, 17), serial=501, **kwargs):
    programme = Programme.objects.get(code="AME_JARFALLA")
    return referral_register(
        personnummer_value=make_pnr(born, serial),
        gender="K",
        programme=programme,
        unit=unit("jarfalla-ame"),
        on=date(2026, 3, 2),
        income_support="EB_ARBETSLOSHET",
        by=by,
        home_municipality=programme.municipalities.get(name="Järfälla"),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("since", "over_12", "over_24"),
    [
        (date(2025, 3, 2), False, False),  # exactly 12 months on 2026-03-02
        (date(2025, 3, 1), True, False),  # 12 months and a day
        (date(2024, 3, 2), True, False),  # exactly 24 months
        (date(2024, 3, 1), True, True),
    ],
)
def test_long_term_unemployment_is_more_than_12_and_24_months_at_referral(since, over_12, over_24):
    on = date(2026, 3, 2)
    assert unemployed_more_than(since, 12, on) is over_12
    assert unemployed_more_than(since, 24, on) is over_24


def test_referral_records_the_target_groups_as_of_the_referral_date(jarfalla_coordinator):
    facts = TargetGroupInput(
        unemployed_since=date(2024, 1, 15),
        no_upper_secondary=True,
        newly_arrived="etableringsprogrammet",
        born_outside_europe=True,
        documented_disability=False,
    )
    case = refer_jarfalla(jarfalla_coordinator, target_groups=facts)
    row = TargetGroupFacts.objects.get(case=case)
    assert row.effective_on == date(2026, 3, 2)
    assert (row.long_term_unemployed, row.very_long_term_unemployed) == (True, True)
    assert row.no_upper_secondary is True and row.born_outside_europe is True
    assert row.documented_disability is False and row.young_neet is None
    assert row.newly_arrived == "etableringsprogrammet"
    assert row.actor == jarfalla_coordinator


def test_a_programme_that_does_not_ask_refuses_the_facts(coordinator, jobbtorg):
    with pytest.raises(CaseRuleError, match="frågar inte efter"):
        referral_register(
            personnummer_value=make_pnr(date(1990, 5, 17), 502),
            gender="K",
            programme=jobbtorg,
            unit=unit(),
            on=date(2026, 3, 2),
            income_support="EB_ARBETSLOSHET",
            by=coordinator,
            target_groups=TargetGroupInput(born_outside_europe=True),
        )
    assert not TargetGroupFacts.objects.exists()


def test_young_neet_only_for_ages_16_to_24(jarfalla_coordinator):
    with pytest.raises(CaseRuleError, match="16–24"):
        refer_jarfalla(jarfalla_coordinator, target_groups=TargetGroupInput(young_neet=True))
    young = refer_jarfalla(
        jarfalla_coordinator,
        born=date(2005, 6, 1),
        serial=503,
        target_groups=TargetGroupInput(young_neet=True),
    )
    assert TargetGroupFacts.objects.get(case=young).young_neet is True


def test_unemployed_since_after_referral_is_refused(jarfalla_coordinator):
    with pytest.raises(CaseRuleError, match="efter aktualiseringen"):
        refer_jarfalla(
            jarfalla_coordinator, target_groups=TargetGroupInput(unemployed_since=date(2026, 3, 3))
        )


def test_correction_is_a_new_row_and_the_old_one_is_kept(jarfalla_coordinator):
    case = refer_jarfalla(
        jarfalla_coordinator, target_groups=TargetGroupInput(born_outside_europe=False)
    )
    original = TargetGroupFacts.objects.get(case=case)
    row = target_groups_correct(
        case_id=case.pk,
        facts=TargetGroupInput(born_outside_europe=True, unemployed_since=date(2025, 1, 2)),
        reason="Fel i remissen.",
        by=jarfalla_coordinator,
    )
    assert row.supersedes == original
    assert row.born_outside_europe is True and row.long_term_unemployed is True
    original.refresh_from_db()
    assert original.born_outside_europe is False
    current = TargetGroupFacts.objects.filter(case=case, corrections__isnull=True)
    assert list(current) == [row]


def test_correction_without_reason_changes_nothing(jarfalla_coordinator):
    case = refer_jarfalla(
        jarfalla_coordinator, target_groups=TargetGroupInput(born_outside_europe=False)
    )
    with pytest.raises(CaseRuleError):
        target_groups_correct(
            case_id=case.pk, facts=TargetGroupInput(), reason=" ", by=jarfalla_coordinator
        )
    assert TargetGroupFacts.objects.filter(case=case).count() == 1


def test_jarfalla_has_no_place_limits_and_no_samrad_guard():
    programme = Programme.objects.get(code="AME_JARFALLA")
    assert programme.samrad_before_first_insats is False
    assert all(rule.capacity is None for rule in programme.rules.all())


def test_referral_form_asks_jarfallas_groups_and_the_case_page_shows_them(
    client, jarfalla_coordinator
):
    client.force_login(jarfalla_coordinator)
    page = client.get(reverse("referrals:new")).content.decode()
    for label in ("Arbetslös sedan", "Född utanför Europa", "Hemkommun", "Nyanländ"):
        assert label in page
    programme = Programme.objects.get(code="AME_JARFALLA")
    response = client.post(
        reverse("referrals:new"),
        {
            "personnummer": make_pnr(date(1990, 5, 17), 504),
            "gender": "M",
            "programme": programme.pk,
            "unit": unit("jarfalla-ame").pk,
            "referred_on": "2026-03-02",
            "source": "AF",
            "income_support": "EB_ARBETSLOSHET",
            "home_municipality": programme.municipalities.get().pk,
            "unemployed_since": "2023-12-01",
            "born_outside_europe": "ja",
            "documented_disability": "nej",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = TargetGroupFacts.objects.get()
    assert row.very_long_term_unemployed is True and row.documented_disability is False
    assert row.case.home_municipality.name == "Järfälla"
    detail = client.get(reverse("casework:case_detail", args=[row.case_id])).content.decode()
    assert "lång långtidsarbetslös (>24 mån)" in detail
    assert "Järfälla" in detail


def test_jobbtorg_referral_form_does_not_ask_target_groups(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("referrals:new")).content.decode()
    assert "Arbetslös sedan" not in page
    assert "Hemkommun" not in page  # one member municipality: recorded without a choice
