"""Issue 17 low items: invisible-only notes and bidi-control names are refused in Swedish;
a 100,000-character first name is refused by the form on both engines."""

import pytest
from django.urls import reverse

from casework.models import Note, Participant
from casework.text import text_problem
from tests.audit.world import build_world


@pytest.mark.parametrize("value", ["\u200b\u200b", "\u200d \ufeff", "Kim\u202eanna", "a\u2067b"])
def test_invisible_only_and_bidi_controlled_text_is_refused_with_a_swedish_reason(value):
    assert "Texten" in text_problem(value)


@pytest.mark.parametrize("value", ["Åsa Öberg", "Anteckning.", "", "José María"])
def test_ordinary_text_passes(value):
    assert text_problem(value) == ""


@pytest.fixture
def world(db):
    return build_world()


def test_a_zero_width_note_is_refused_and_nothing_is_written(client, world):
    client.force_login(world.users["coordinator"])
    notes = Note.objects.count()
    url = reverse("casework:case_action", args=[world.case.pk, "note"])
    response = client.post(url, {"text": "\u200b\u200b", "on": "2026-01-05"}, follow=True)
    assert "osynliga tecken" in response.content.decode()
    assert Note.objects.count() == notes


@pytest.mark.parametrize("name", ["Kim\u202eanna", "x" * 100_000])
def test_a_bad_first_name_is_refused_by_the_referral_form(client, world, name):
    client.force_login(world.users["coordinator"])
    people = Participant.objects.count()
    response = client.post(reverse("referrals:new"), {"first_name": name, "personnummer": "x"})
    assert response.status_code == 200
    assert "first_name" in response.context["form"].errors
    assert Participant.objects.count() == people
