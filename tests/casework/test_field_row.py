"""`{% field_row field %}`: the markup every form's fields get (issue 15 moved it from an
included template to Python; the pages of every form were compared unchanged then)."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from casework.templatetags.fields import field_row

from .coach_fixtures import *  # noqa: F403  (fixtures)


class Example(forms.Form):
    choice = forms.ChoiceField(
        label="Välj <en>",
        choices=[("a", "A & B"), ("b", "C")],
        widget=forms.RadioSelect,
        help_text="Ett av två",
    )
    agree = forms.BooleanField(label="Jag godkänner", help_text="Måste kryssas")
    name = forms.CharField(label="Namn", help_text="Som i folkbokföringen")


def test_a_radio_group_is_a_fieldset_with_legend_hint_error_and_choices():
    field = Example({"choice": "x"})["choice"]
    assert field_row(field) == (
        '<div class="field">\n<fieldset>\n  <legend>Välj &lt;en&gt;</legend>\n'
        '  <p class="hint" id="id_choice-hint">Ett av två</p>\n'
        '  <p class="error" id="id_choice-error">Välj ett giltigt alternativ. x finns inte '
        "bland tillgängliga alternativ.</p>\n"
        '  <label class="choice" for="id_choice_0"><input type="radio" name="choice" value="a" '
        'id="id_choice_0" required aria-invalid="true"> A &amp; B</label>'
        '<label class="choice" for="id_choice_1"><input type="radio" name="choice" value="b" '
        'id="id_choice_1" required aria-invalid="true"> C</label>\n</fieldset>\n</div>\n'
    )


def test_a_checkbox_stands_before_its_label_and_points_to_its_error_and_hint():
    field = Example({})["agree"]
    assert field_row(field) == (
        '<div class="field">\n\n  <p class="error" id="id_agree-error">Det här fältet är '
        'obligatoriskt.</p>\n  <label class="choice" for="id_agree"><input type="checkbox" '
        'name="agree" aria-describedby="id_agree-hint id_agree-error" required '
        'aria-invalid="true" id="id_agree"> Jag godkänner</label>\n'
        '  <p class="hint" id="id_agree-hint">Måste kryssas</p>\n</div>\n'
    )


def test_any_other_widget_follows_its_label_and_points_to_its_hint():
    field = Example()["name"]
    assert field_row(field) == (
        '<div class="field">\n\n  <label for="id_name">Namn</label>\n'
        '  <p class="hint" id="id_name-hint">Som i folkbokföringen</p>\n  \n'
        '  <input type="text" name="name" aria-describedby="id_name-hint" required '
        'id="id_name">\n</div>\n'
    )


def test_a_field_without_hint_or_error_points_nowhere():
    class Plain(forms.Form):
        name = forms.CharField(label="Namn")

    assert "aria-describedby" not in field_row(Plain()["name"])


def test_the_tag_in_a_template_gives_the_same_markup():
    field = Example({"name": "<b>x</b>"})["name"]
    html = Template("{% load fields %}{% field_row field %}").render(Context({"field": field}))
    assert html == field_row(field)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html


@pytest.mark.django_db
def test_every_aria_describedby_on_the_caseload_with_invalid_filters_names_an_element(
    client, coach
):
    """Django's default pointed the invalid filters to `id_state_error`, which no page had."""
    client.force_login(coach)
    url = reverse("casework:caseload") + "?state=fel&overstay=x&programme=999"
    html = client.get(url).content.decode()
    ids = set(re.findall(r' id="([^"]+)"', html))
    references = re.findall(r'aria-describedby="([^"]+)"', html)
    assert len(references) >= 3
    assert [ref for refs in references for ref in refs.split() if ref not in ids] == []
