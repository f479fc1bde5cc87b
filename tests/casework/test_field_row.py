"""`{% field_row field %}`: the markup every form's fields get (issue 15 moved it from an
included template to Python; the pages of every form were compared unchanged then)."""

from django import forms
from django.template import Context, Template

from casework.templatetags.fields import field_row


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


def test_the_tag_in_a_template_gives_the_same_markup():
    field = Example({"name": "<b>x</b>"})["name"]
    html = Template("{% load fields %}{% field_row field %}").render(Context({"field": field}))
    assert html == field_row(field)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html
