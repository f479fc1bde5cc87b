"""The unit and home-municipality filters, and the tables per target group and age band
(docs/indicators.md "Units, municipalities, target groups and ages")."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.indicators import report
from casework.target_groups import TargetGroupInput
from programmes.models import MemberMunicipality, Programme
from tests.casework.indicator_journal import T1_2026, Journal
from tests.factories import unit

pytestmark = pytest.mark.django_db
REFERRED = date(2026, 1, 15)


@pytest.fixture
def j():
    journal = Journal()
    for code in ("sikta-norra", "jarfalla-ame"):
        unit(code).members.add(journal.user)
    return journal


def _home(name: str) -> MemberMunicipality:
    return MemberMunicipality.objects.get(programme__code="SIKTA", name=name)


def _sikta_in_two_county_parts(j):
    south = j.refer(REFERRED, programme="SIKTA", home_municipality=_home("Nyköping"))
    north = j.refer(
        REFERRED,
        gender="M",
        programme="SIKTA",
        unit_code="sikta-norra",
        home_municipality=_home("Eskilstuna"),
    )
    return south, north


def test_a_unit_filter_excludes_the_shared_programmes_other_unit(j):
    _sikta_in_two_county_parts(j)
    sikta = [Programme.objects.get(code="SIKTA").pk]
    both = report.build(T1_2026, programme_ids=sikta)
    south = report.build(
        T1_2026, programme_ids=sikta, unit_ids=[unit("sikta-sodra").pk], unit_code="sikta-sodra"
    )
    assert both["unit"] is None and south["unit"] == "sikta-sodra"
    assert both["indicators"]["IN1"] == {"total": 2, "K": 1, "M": 1, "X": 0}
    assert south["indicators"]["IN1"] == {"total": 1, "K": 1, "M": 0, "X": 0}


def test_the_command_narrows_to_a_unit_or_a_home_municipality_and_says_which(j):
    _sikta_in_two_county_parts(j)

    def run(*args) -> dict:
        out = StringIO()
        call_command("indicators", "--year", "2026", "--tertial", "1", *args, stdout=out)
        return json.loads(out.getvalue())

    north = run("--unit", "sikta-norra")
    assert north["unit"] == "sikta-norra"
    assert north["indicators"]["IN1"] == {"total": 1, "K": 0, "M": 1, "X": 0}
    eskilstuna = run("--municipality", "Eskilstuna")
    assert eskilstuna["municipality"] == "Eskilstuna"
    assert eskilstuna["indicators"]["IN1"]["total"] == 1
    with pytest.raises(CommandError, match="Okänd enhet"):
        run("--unit", "finns-inte")
    with pytest.raises(CommandError, match="Okänd hemkommun"):
        run("--municipality", "Atlantis")


def test_target_groups_count_the_facts_recorded_at_referral(j):
    facts = TargetGroupInput(unemployed_since=date(2024, 12, 1), no_upper_secondary=True)
    j.refer(REFERRED, programme="AME_JARFALLA", unit_code="jarfalla-ame", target_groups=facts)
    j.refer(
        REFERRED,
        gender="M",
        programme="AME_JARFALLA",
        unit_code="jarfalla-ame",
        target_groups=TargetGroupInput(born_outside_europe=True, no_upper_secondary=False),
    )
    j.refer(REFERRED, gender="X", programme="AME_JARFALLA", unit_code="jarfalla-ame")
    groups = report.build(T1_2026)["breakdowns"]["target_groups"]

    def in2(code):
        return groups[code]["indicators"]["IN2"]

    # Unemployed since 1 Dec 2024: more than 12 months on 15 Jan 2026, not more than 24.
    assert in2("langtidsarbetslos") == {"total": 1, "K": 1, "M": 0, "X": 0}
    assert in2("mycket_langtidsarbetslos")["total"] == 0
    assert in2("ej_gymnasium") == {"total": 1, "K": 1, "M": 0, "X": 0}
    assert in2("utomeuropeisk") == {"total": 1, "K": 0, "M": 1, "X": 0}
    assert in2("nyanland")["total"] == 0
    assert groups["utomeuropeisk"]["label"] == "Född utanför Europa"


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2001, 5, 1), "16-24"),  # 24 on 30 April 2026
        (date(2001, 4, 30), "25-54"),  # 25 on its last day
        (date(1971, 5, 1), "25-54"),  # 54
        (date(1971, 4, 30), "55-64"),  # 55
        (date(1961, 5, 1), "55-64"),  # 64
        (date(1961, 4, 30), None),  # 65 on the period's last day: no band
    ],
)
def test_age_bands_go_by_the_age_on_the_periods_last_day(j, born, band):
    j.refer(REFERRED, born=born)
    bands = report.build(T1_2026)["breakdowns"]["age_bands"]
    assert {b: bands[b]["indicators"]["IN2"]["total"] for b in bands} == {
        b: int(b == band) for b in ("16-24", "25-54", "55-64")
    }


def test_the_json_has_the_contracted_keys_and_shapes(j):
    data = report.build(T1_2026)
    assert {"period", "programme", "unit", "municipality", "indicators", "breakdowns"} <= set(data)
    assert list(data["indicators"])[-6:] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert set(data["indicators"]["K3"]) == {"total", "K", "M", "X", "pending"}
    breakdowns = data["breakdowns"]
    assert list(breakdowns["age_bands"]) == ["16-24", "25-54", "55-64"]
    for block in [*breakdowns["target_groups"].values(), *breakdowns["age_bands"].values()]:
        assert set(block) == {"label", "indicators"}
        assert list(block["indicators"]) == report.COUNT_CODES
        assert all(set(v) == {"total", "K", "M", "X"} for v in block["indicators"].values())
    assert set(data["survey"]) == {"inskrivning", "utskrivning"}
