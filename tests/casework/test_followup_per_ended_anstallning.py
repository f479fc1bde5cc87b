"""Every ended anställning has its own follow-up, due 6 months after its end, recordable from
14 days before; `uppfoljning` applies to the earliest due one (000 §4.5; import-format.md)."""

from datetime import date

import pytest

from casework.models import FollowUp

from .history import ev, indicators, load, person, tertial, two_ended_anstallningar

pytestmark = pytest.mark.django_db


def test_each_ended_anstallning_gets_its_own_follow_up():
    pnr = person()
    rows = [
        *two_ended_anstallningar(pnr),
        ev(pnr, "uppfoljning", "2025-08-18", "EB_JA"),  # 14 days before 1 Sep
        ev(pnr, "uppfoljning", "2025-11-20", "EB_NEJ"),
    ]
    result = load(rows)
    assert result.ok, result.errors
    ended = sorted(FollowUp.objects.values_list("spell_ended_on", "receives_eb"))
    assert ended == [(date(2025, 3, 1), True), (date(2025, 6, 1), False)]
    ut6 = indicators(*tertial(2025, 3))["UT6"]
    assert (ut6["total"], ut6["due"], ut6["missing"]) == (1, 2, 0)


def test_a_follow_up_more_than_14_days_before_it_is_due_is_refused():
    pnr = person()
    result = load([*two_ended_anstallningar(pnr), ev(pnr, "uppfoljning", "2025-08-17", "EB_JA")])
    assert not result.ok
    assert "tidigast 2025-08-18" in result.errors[0].reason


def test_the_follow_up_reaches_the_anstallning_of_an_earlier_case():
    pnr = person()
    rows = [
        *two_ended_anstallningar(pnr)[:4],
        ev(pnr, "avslut", "2025-04-01", "AVBROTT"),
        ev(pnr, "aktualisering", "2025-05-02", "EB_ARBETSLOSHET"),
        ev(pnr, "uppfoljning", "2025-09-01", "EB_NEJ"),
    ]
    result = load(rows)
    assert result.ok, result.errors
    followup = FollowUp.objects.get()
    assert followup.spell_ended_on == date(2025, 3, 1)
    assert followup.case.referred_on == date(2025, 1, 2)
    assert indicators(*tertial(2025, 3))["UT6"]["missing"] == 0
