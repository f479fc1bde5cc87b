"""The web report: table, exports, fastställ and drill-down (issue 6)."""

import csv
import io
import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from casework.corrections import transition_correct_date
from casework.indicators.numbers import sv_number
from casework.indicators.report import ALL
from casework.models import SavedReport
from tests.casework.indicator_journal import Journal
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db
QUERY = {"kind": "tertial", "year": "2026", "tertial": "1"}


@pytest.fixture
def history(db):
    j = Journal()
    k = j.refer(date(2026, 1, 2), gender="K")
    j.start(k, "jobbsok", date(2026, 1, 12))
    j.exit(k, date(2026, 3, 4), "ARBETE")
    m = j.refer(date(2026, 2, 1), gender="M", born=date(2002, 6, 1))
    j.start(m, "arbetspraktik", date(2026, 2, 4))
    x = j.refer(date(2026, 3, 1), gender="X")
    j.exit(x, date(2026, 3, 2), "AVBROTT")
    return j


@pytest.fixture
def manager(db):
    return UserFactory(roles=["manager"], units=[unit()])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def web_table(html: str) -> dict[str, list[str]]:
    """{code: [K, M, X, total, due, missing]} read from the rendered table."""
    import re

    table = html.split('<table class="indicators">', 1)[1].split("</table>", 1)[0]
    table = re.sub(r'<br><span class="prev">.*?</span>', "", table, flags=re.S)
    rows = {}
    for code, body in re.findall(r'<tr data-code="(\w+)">(.*?)</tr>', table, re.S):
        cells = re.findall(r'<td class="num[^"]*" data-col="\w+">(.*?)</td>', body, re.S)
        # ASCII white space only: a no-break space groups the thousands (1 833 973).
        rows[code] = [re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]
    return rows


def as_text(value) -> str:
    return sv_number(value)  # "–" for empty, 50,0 with a decimal comma


def csv_table(raw: bytes) -> dict[str, list[str]]:
    """{code: cells after the label} of the CSV's first section (the indicator table)."""
    rows = {}
    for r in list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))[2:]:
        if not r:
            break
        rows[r[1]] = r[3:]
    return rows


def test_web_csv_xlsx_and_json_give_the_same_numbers(history, manager):
    client = client_for(manager)
    page = client.get(reverse("indicators:report"), QUERY)
    assert page.status_code == 200
    web = web_table(page.content.decode())
    data = json.loads(client.get(reverse("indicators:export", args=["json"]), QUERY).content)
    raw = client.get(reverse("indicators:export", args=["csv"]), QUERY).content
    csv_rows = {code: cells[:6] for code, cells in csv_table(raw).items()}
    xlsx = client.get(reverse("indicators:export", args=["xlsx"]), QUERY).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    xlsx_rows = {r[1]: list(r[3:9]) for r in sheet.iter_rows(values_only=True)}
    assert data["indicators"]["UT2"] == {"total": 1, "K": 1, "M": 0, "X": 0}
    assert data["indicators"]["K1"] == {"total": 50.0, "K": 100.0, "M": None, "X": 0.0}
    for indicator in ALL:
        values = data["indicators"][indicator.code]
        expected = [values["K"], values["M"], values["X"], values["total"]]
        expected += [values.get("due"), values.get("missing", values.get("pending"))]
        assert xlsx_rows[indicator.code] == expected
        assert web[indicator.code] == [as_text(v) if v is not None or i < 4 else ""
                                       for i, v in enumerate(expected)]  # fmt: skip
        assert csv_rows[indicator.code] == [
            "" if v is None else (f"{v:.1f}".replace(".", ",") if isinstance(v, float) else str(v))
            for v in expected
        ]


def test_the_report_page_shows_no_names_or_personnummer(history, manager):
    html = client_for(manager).get(reverse("indicators:report"), QUERY).content.decode()
    for person in history.user.units.first().cases.select_related("participant"):
        p = person.participant
        assert p.personnummer not in html and p.personnummer[2:] not in html
        assert p.last_name == "" or p.last_name not in html
    assert "Antal personer i arbetspraktik" in html
    assert f'href="{reverse("indicators:report")}"' in html  # the menu entry
    assert "indicator-chart-data" not in html  # the charts come after the table (below)


def test_the_report_page_loads_its_charts_after_the_table(history, manager):
    client = client_for(manager)
    html = client.get(reverse("indicators:report"), QUERY).content.decode()
    chart_url = html.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert chart_url.startswith(reverse("indicators:chart")) and "tertial=1" in chart_url

    fragment = client.get(chart_url, headers={"HX-Request": "true"}).content.decode()
    page = client.get(chart_url).content.decode()

    assert fragment.startswith('<div id="charts" aria-busy="false">')
    assert fragment.count('role="img"') == len(ALL) and "indicator-chart-data" in fragment
    assert "<html" in page and "Tillbaka till rapporten" in page and 'role="img"' in page
    for person in history.user.units.first().cases.select_related("participant"):
        assert person.participant.personnummer not in fragment


def test_the_charts_are_refused_to_roles_without_the_report(history):
    coach = UserFactory(roles=["coach"], units=[unit()])
    assert client_for(coach).get(reverse("indicators:chart"), QUERY).status_code == 403


def test_roles_without_the_report_are_refused(history):
    coach = UserFactory(roles=["coach"], units=[unit()])
    assert client_for(coach).get(reverse("indicators:report")).status_code == 403


def test_the_default_is_the_current_tertial_and_bad_input_is_summarised(manager):
    client = client_for(manager)
    assert client.get(reverse("indicators:report")).status_code == 200
    page = client.get(reverse("indicators:report"), {"kind": "custom", "start": "2026-05-01"})
    html = page.content.decode()
    assert "error-summary" in html and "Ange slutdatum" in html
    assert 'aria-describedby="id_end_error id_end_helptext"' in html
    assert 'id="id_end_error"' in html and 'aria-invalid="true"' in html


def test_a_manager_fastställer_and_later_sees_which_cells_changed(history, manager):
    client = client_for(manager)
    confirm = client.post(reverse("indicators:save"), QUERY)
    assert confirm.status_code == 200 and SavedReport.objects.count() == 0
    assert "Fastställ rapporten?" in confirm.content.decode()
    response = client.post(reverse("indicators:save"), {**QUERY, "confirm": "1"})
    saved = SavedReport.objects.get()
    assert response.url == reverse("indicators:saved", args=[saved.pk])
    assert (saved.saved_by, saved.period_start, saved.period_end) == (
        manager, date(2026, 1, 1), date(2026, 4, 30)
    )  # fmt: skip
    assert saved.data["indicators"]["UT2"]["total"] == 1
    page = client.get(response.url).content.decode()
    assert "samma siffror" in page
    cases = history.user.units.first().cases
    x_exit = cases.get(participant__gender="X").transitions.get(to_state="avslutad")
    transition_correct_date(transition_id=x_exit.pk, on=date(2026, 3, 1), by=history.user,
                            reason="x")  # fmt: skip
    assert "samma siffror" in client.get(response.url).content.decode()  # moved within P
    k_exit = cases.get(participant__gender="K").transitions.get(to_state="avslutad")
    transition_correct_date(transition_id=k_exit.pk, on=date(2026, 5, 4), by=history.user,
                            reason="x")  # fmt: skip
    page = client.get(response.url).content.decode()
    assert "samma siffror" not in page
    ut2 = web_table(page)["UT2"]
    assert ut2[0] == "1 idag: 0" and ut2[3] == "1 idag: 0"  # the saved number, and today's
    assert web_table(page)["IN4"] == ["1", "0", "1", "2", "", ""]


def test_a_coordinator_cannot_fastställa(history):
    coordinator = UserFactory(roles=["coordinator"], units=[unit()])
    assert client_for(coordinator).post(reverse("indicators:save"), QUERY).status_code == 403


def test_drill_down_lists_persons_in_scope_with_masked_personnummer_and_logs(history):
    coordinator = UserFactory(roles=["coordinator"], units=[unit()])
    client = client_for(coordinator)
    page = client.get(reverse("indicators:report"), QUERY).content.decode()
    assert reverse("indicators:persons") in page
    response = client.get(reverse("indicators:persons"), {**QUERY, "code": "IN4", "gender": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 personer" in html and html.count("1990****-****") == 2
    assert "2002****-****" not in html  # 23 years old: IN3, not IN4
    for case in coordinator.units.first().cases.select_related("participant"):
        assert case.participant.personnummer not in html
    log = AccessLog.objects.get()
    assert (log.action, log.person_count, log.user) == ("indicators.persons", 2, coordinator)
    assert "IN4" in log.filter_description and log.filter_description.endswith(": 2")


def test_drill_down_is_404_for_managers(history, manager):
    response = client_for(manager).get(reverse("indicators:persons"), {**QUERY, "code": "IN4"})
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0
