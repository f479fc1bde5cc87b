"""The programme's admin page edits its lists with real widgets, not raw JSON (issue 13)."""

import pytest
from django.urls import reverse

from programmes.admin_forms import ProgrammeAdminForm
from programmes.models import Programme
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db


def _data(programme, **changes):
    form = ProgrammeAdminForm(instance=programme)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "owner":
            value = programme.owner_id
        elif name == "shared_with":
            value = [o.pk for o in programme.shared_with.all()]
        elif name == "progression_steps":
            value = "\n".join(programme.progression_steps)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if value is not None:
            data[name] = value
    return {**data, **changes}


def test_the_form_uses_checkboxes_and_one_step_per_line():
    programme = Programme.objects.get(code="AME_JARFALLA")
    html = str(ProgrammeAdminForm(instance=programme))
    assert 'type="checkbox" name="target_groups" value="utomeuropeisk"' in html
    assert 'type="checkbox" name="income_support_codes"' in html
    assert "1 Långt från arbetsmarknaden\n2 Motiverad" in html
    assert "[&quot;" not in html  # no JSON text anywhere


def test_saving_stores_plain_lists():
    programme = Programme.objects.get(code="JOBBTORG")
    form = ProgrammeAdminForm(
        _data(
            programme,
            target_groups=["ung_uvas", "ej_gymnasium"],
            progression_steps="Steg ett\n\n Steg två \nSteg tre",
        ),
        instance=programme,
    )
    assert form.is_valid(), form.errors
    saved = form.save()
    assert sorted(saved.target_groups) == ["ej_gymnasium", "ung_uvas"]
    assert saved.progression_steps == ["Steg ett", "Steg två", "Steg tre"]


def test_a_scale_of_one_step_is_refused():
    programme = Programme.objects.get(code="JOBBTORG")
    form = ProgrammeAdminForm(_data(programme, progression_steps="Bara ett"), instance=programme)
    assert not form.is_valid() and "progression_steps" in form.errors


def test_the_admin_role_opens_the_programme_and_question_pages(client):
    admin = UserFactory(roles=["admin"], units=[unit("sikta-sodra")], is_staff=True)
    client.force_login(admin)
    sikta = Programme.objects.get(code="SIKTA")
    page = client.get(reverse("admin:programmes_programme_change", args=[sikta.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vingåker" in html and "platser" in html.lower()
    assert client.get(reverse("admin:surveys_surveyquestion_changelist")).status_code == 200
