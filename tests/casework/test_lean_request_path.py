"""The hot pages do what they must once (issue 15): one read of a case's facts per page,
the same markup from the lean filter selects, the caseload rows' text prepared once."""

import re
from datetime import date
from unittest import mock

import pytest
import time_machine
from django import forms
from django.urls import reverse

from casework.facts import CaseFacts
from casework.filters import CaseloadFilter
from casework.models import Case
from casework.widgets import LeanSelect

from .coach_fixtures import *  # noqa: F403  (fixtures)

TODAY = date(2026, 3, 2)


def _counting_loads():
    return mock.patch.object(CaseFacts, "load", side_effect=CaseFacts.load)


@time_machine.travel(TODAY, tick=False)
def test_case_page_reads_the_case_facts_once_for_transitions_actions_and_header(
    client, coach, coach_case
):
    client.force_login(coach)
    with _counting_loads() as load:
        response = client.get(reverse("casework:case_detail", args=[coach_case.pk]))
    assert response.status_code == 200
    assert 'data-action="start_jobbsok"' in response.content.decode()  # transitions evaluated
    assert load.call_count == 1


@time_machine.travel(TODAY, tick=False)
def test_a_state_change_still_reads_its_facts_under_the_case_lock(client, coach, coach_case):
    """The page's shared read never reaches a service: the move reads the facts afresh."""
    client.force_login(coach)
    url = reverse("casework:case_action", args=[coach_case.pk, "start_jobbsok"])
    with _counting_loads() as load:
        response = client.post(
            url, {"on": "2026-03-02", "reason": "Byte", "version": coach_case.version}
        )
    assert response.status_code == 302
    assert load.call_count == 2  # the form's version check, then the service under its lock
    coach_case.refresh_from_db()
    assert coach_case.state == "jobbsok"


def _markup(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [None, {"state": "jobbsok", "gender": "K", "overstay": "ja", "age_group": "50-"}]
)
def test_lean_filter_selects_render_django_select_markup(data, jobbtorg):
    form = CaseloadFilter(data, queryset=Case.objects.all()).form
    for name, field in form.fields.items():
        assert isinstance(field.widget, LeanSelect), name
        lean = str(form[name])
        field.widget.__class__ = forms.Select
        assert _markup(lean) == _markup(form[name]), name


def test_lean_select_escapes_labels_and_values():
    widget = LeanSelect(choices=[("a&b", "<i>x</i>"), ("c", "d")])
    html = widget.render("f", "c", attrs={"id": "id_f", "aria-describedby": "f-hint"})
    assert html == (
        '<select name="f" aria-describedby="f-hint" id="id_f">'
        '<option value="a&amp;b">&lt;i&gt;x&lt;/i&gt;</option>'
        '<option value="c" selected>d</option></select>'
    )


@time_machine.travel(TODAY, tick=False)
def test_caseload_row_shows_link_name_masked_number_and_dates(client, coach, coach_case):
    client.force_login(coach)
    html = client.get(reverse("casework:caseload")).content.decode()
    person = coach_case.participant
    href = reverse("casework:case_detail", args=[coach_case.pk])
    assert f'<td><a href="{href}">{person}</a></td>' in html
    assert f"<td>{person.masked_personnummer}</td>" in html
    assert "<td>2026-02-04</td>" in html  # the deadline, ISO
    assert "Överskriden med 26 dagar" in html


# The rows as casework/caseload.html rendered them before they were built in Python.
DJANGO_ROWS = """{% load i18n %}{% for row in rows %}<tr{% if row.overstay %} class="overstay"{% endif %}>
    <td><a href="{{ row.href }}">{{ row.name }}</a></td>
    <td>{{ row.pnr }}</td>
    <td>{{ row.programme }}</td>
    <td>{{ row.state }}</td>
    <td class="num">{{ row.days_in_state }}</td>
    <td>{{ row.deadline }}</td>
    <td>{% if row.overstay %}{% blocktranslate count days=row.overstay %}Överskriden med {{ days }} dag{% plural %}Överskriden med {{ days }} dagar{% endblocktranslate %}{% elif row.days_left is not None %}{{ row.days_left }}{% else %}–{% endif %}</td>
    <td>{{ row.followup }}</td>
  </tr>{% endfor %}"""  # noqa: E501
NASTY = "<script>alert('x')</script> & \"Åsa\""


@pytest.mark.parametrize("language", ["sv", "en"])
def test_caseload_rows_from_python_are_the_django_templates_markup(language):
    from django.template import Context, Template
    from django.utils import translation

    from casework.views.caseload import _days_left_text, rows_html

    def row(overstay, days_left, **text):
        shown = {k: text.get(k, NASTY) for k in ("href", "name", "pnr", "programme", "state")}
        return shown | {
            "overstay": overstay,
            "days_left": days_left,
            "days_left_text": _days_left_text(overstay, days_left),
            "days_in_state": 1234,
            "deadline": "2026-02-04",
            "followup": "–",
        }

    with translation.override(language):
        rows = [row(0, None), row(1, None), row(26, None), row(0, 0), row(0, 7, href="/a?&c")]
        expected = Template(DJANGO_ROWS).render(Context({"rows": rows}))
        assert str(rows_html(rows)) == expected
    assert "<script>" not in expected and "&lt;script&gt;alert(&#x27;x&#x27;)" in expected


@time_machine.travel(TODAY, tick=False)
def test_caseload_escapes_a_participants_name_in_its_row(client, coach, coach_case):
    type(coach_case.participant).objects.filter(pk=coach_case.participant_id).update(
        first_name="<script>alert('x')</script>", last_name="Berg & Son"
    )
    client.force_login(coach)
    html = client.get(reverse("casework:caseload")).content.decode()
    table = html[html.index('<table id="caseload">') :]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Berg &amp; Son</a></td>" in table


@pytest.mark.parametrize("pk", [1, 7, 10, 987654321, 123456789012])
def test_case_href_reversed_once_is_reverse_for_every_case(pk):
    from casework.views.caseload import case_href

    assert case_href()(pk) == reverse("casework:case_detail", args=[pk])


@pytest.mark.django_db
def test_programme_filter_reads_its_options_in_one_query_with_their_labels():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmes.models import Programme

    programmes = list(Programme.objects.order_by("code"))
    assert len(programmes) > 1  # the seeded programmes
    form = CaseloadFilter(None, queryset=Case.objects.all()).form
    with CaptureQueriesContext(connection) as queries:
        html = str(form["programme"])
    assert len(queries) == 1
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', html)
    assert options == [("", "Alla")] + [(str(p.pk), str(p)) for p in programmes]


@pytest.mark.parametrize("pk", [1, 10, 987654321])
@pytest.mark.parametrize("occasion", ["inskrivning", "utskrivning"])
def test_url_pattern_with_a_fixed_argument_after_the_id_is_reverse(pk, occasion):
    from casework.markup import SLOT, url_pattern

    for name in ("surveys:on_screen", "surveys:create_link"):
        assert url_pattern(name, SLOT, occasion)(pk) == reverse(name, args=[pk, occasion])


def test_the_action_buttons_link_every_action_as_reverse_does(coach_case):
    from casework.views.detail import actions_html
    from casework.views.registry import ACTIONS

    actions = list(ACTIONS.values())
    html = actions_html(coach_case, actions[:3], actions[3:])
    for action in actions:
        href = reverse("casework:case_action", args=[coach_case.pk, action.name])
        assert f'action="{href}" hx-get="{href}"' in html
        assert f'data-action="{action.name}"' in html
    assert html.count('class="secondary"') == len(actions) - 3
