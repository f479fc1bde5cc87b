"""Sikta's three county parts (003 "Insatsorganisation"): each its coordinator and coaches;
a referral records the home municipality; one part's coordinator does not see another's."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AccessLog, SecurityEvent
from casework.rules import CaseRuleError
from programmes.models import MemberMunicipality, Organisation, Programme
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit

pytestmark = pytest.mark.django_db

PARTS = {
    "sikta-sodra": {"Nyköping", "Oxelösund", "Gnesta", "Trosa"},
    "sikta-norra": {"Eskilstuna", "Strängnäs"},
    "sikta-vastra": {"Katrineholm", "Flen", "Vingåker"},
}


@pytest.fixture
def sikta():
    return Programme.objects.get(code="SIKTA")


def refer_sikta(by, part, municipality, serial=601):
    programme = Programme.objects.get(code="SIKTA")
    return referral_register(
        personnummer_value=make_pnr(date(1985, 2, 3), serial),
        gender="M",
        programme=programme,
        unit=unit(part),
        on=date(2026, 2, 2),
        income_support="SJUKPENNING",
        by=by,
        home_municipality=programme.municipalities.get(name=municipality),
    )


def test_sikta_has_nine_member_municipalities_in_three_county_parts(sikta):
    parts = {}
    for member in sikta.municipalities.select_related("unit"):
        parts.setdefault(member.unit.code, set()).add(member.name)
    assert parts == PARTS


def test_the_referral_records_the_home_municipality(sikta):
    coordinator = UserFactory(roles=["coordinator"], units=[unit("sikta-vastra")])
    case = refer_sikta(coordinator, "sikta-vastra", "Flen")
    assert case.home_municipality.name == "Flen"
    assert case.home_municipality.unit.code == "sikta-vastra"


def test_a_municipality_of_another_programme_is_refused(sikta):
    coordinator = UserFactory(roles=["coordinator"], units=[unit("sikta-sodra")])
    jarfalla = MemberMunicipality.objects.get(name="Järfälla")
    with pytest.raises(CaseRuleError, match="inte en medlemskommun"):
        referral_register(
            personnummer_value=make_pnr(date(1985, 2, 3), 602),
            gender="M",
            programme=sikta,
            unit=unit("sikta-sodra"),
            on=date(2026, 2, 2),
            income_support="SJUKPENNING",
            by=coordinator,
            home_municipality=jarfalla,
        )


def test_a_county_part_coordinator_gets_404_on_another_parts_case(client):
    sodra = UserFactory(roles=["coordinator"], units=[unit("sikta-sodra")])
    norra = UserFactory(roles=["coordinator"], units=[unit("sikta-norra")])
    case = refer_sikta(norra, "sikta-norra", "Eskilstuna")
    url = reverse("casework:case_detail", args=[case.pk])
    logs, events = AccessLog.objects.count(), SecurityEvent.objects.count()
    client.force_login(sodra)
    assert client.get(url).status_code == 404
    assert AccessLog.objects.count() == logs
    assert SecurityEvent.objects.count() == events + 1
    client.force_login(norra)
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(user=norra, action="case.detail").count() == 1


def test_a_programme_that_shares_lets_the_other_part_see(client, sikta):
    """Sharing is by organisation (S5): a part of another organisation sees the case once
    the programme shares with it."""
    norra = UserFactory(roles=["coordinator"], units=[unit("sikta-norra")])
    arena = UserFactory(roles=["coordinator"], units=[unit("linkoping-arena")])
    case = refer_sikta(norra, "sikta-norra", "Strängnäs", serial=603)
    url = reverse("casework:case_detail", args=[case.pk])
    client.force_login(arena)
    assert client.get(url).status_code == 404
    sikta.shared_with.add(Organisation.objects.get(code="linkoping"))
    assert client.get(url).status_code == 200


def test_the_sikta_referral_form_asks_for_the_home_municipality(client):
    coordinator = UserFactory(roles=["coordinator"], units=[unit("sikta-sodra")])
    client.force_login(coordinator)
    page = client.get(reverse("referrals:new")).content.decode()
    assert "Hemkommun" in page and "Vingåker" in page
