import json
from io import StringIO

from django.core.management import call_command

from audit.models import AccessLog
from tests.api.test_participation_api import refer

URL = "/api/v1/indicators"


def command_json(*args) -> dict:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_report_is_exactly_the_commands_json(api_a):
    refer(api_a)
    refer(api_a, serial=202, gender="M")
    response = api_a.get(URL, {"year": 2026, "tertial": 1, "programme": "JOBBTORG"})
    assert response.status_code == 200
    expected = command_json("--year", "2026", "--tertial", "1", "--programme", "JOBBTORG")
    assert response.json() == expected
    assert response.json()["indicators"]["IN2"]["total"] == 2
    # issue 14: last year beside this year, and the programme's goals with their status
    assert response.json()["previous_year"]["period"] == {"start": "2025-01-01",
                                                          "end": "2025-04-30"}  # fmt: skip
    assert response.json()["previous_year"]["indicators"]["IN2"]["total"] == 0
    assert [g["measure"] for g in response.json()["goals"]] == ["UT1", "UT2+UT3"]
    assert not AccessLog.objects.exists()  # aggregates only: no personal data read


def test_without_a_programme_the_report_covers_the_clients_organisations_programmes(api_b):
    refer(api_b, programme="BROMODELLEN")
    data = api_b.get(URL, {"year": 2026}).json()
    assert data["programme"] is None
    assert data == command_json("--year", "2026", "--programme", "BROMODELLEN") | {
        "programme": None
    }


def test_another_organisations_programme_or_unit_is_404(api_b):
    assert api_b.get(URL, {"year": 2026, "programme": "JOBBTORG"}).status_code == 404
    assert api_b.get(URL, {"year": 2026, "unit": "nykoping-jobbtorg"}).status_code == 404
    own = api_b.get(URL, {"year": 2026, "unit": "linkoping-arena"})
    assert own.status_code == 200


def test_a_missing_year_or_bad_tertial_is_refused(api_a):
    assert api_a.get(URL).status_code == 400
    assert api_a.get(URL, {"year": 2026, "tertial": 4}).status_code == 400


def test_without_the_indicators_scope_the_report_is_forbidden(make_client):
    from tests.api.conftest import Api

    _client, token = make_client(scopes=["status:read"])
    assert Api(token).get(URL, {"year": 2026}).status_code == 403


def test_unit_narrows_the_figures_to_the_clients_own_unit(make_client):
    from datetime import date

    from programmes.models import MemberMunicipality
    from tests.api.conftest import Api
    from tests.casework.indicator_journal import Journal

    home = MemberMunicipality.objects.get(programme__code="SIKTA", name="Nyköping")
    Journal().refer(date(2026, 1, 15), programme="SIKTA", home_municipality=home)  # södra
    _client, token = make_client(name="Eskilstuna EB", unit_code="sikta-norra")
    api = Api(token)
    everything = api.get(URL, {"year": 2026, "tertial": 1}).json()
    north = api.get(URL, {"year": 2026, "tertial": 1, "unit": "sikta-norra"}).json()
    assert everything["unit"] is None and everything["indicators"]["IN1"]["total"] == 1
    assert north["unit"] == "sikta-norra" and north["indicators"]["IN1"]["total"] == 0
    assert north == command_json("--year", "2026", "--tertial", "1", "--unit", "sikta-norra")
