"""Sikta: at most 12 months from the first insats, one extension of up to 6 months with a
reason (003); shown like an insats deadline and counted in OVERSTAY."""

from datetime import date

import pytest

from casework import rules
from casework.models import Extension
from casework.rules import CaseRuleError
from casework.services import case_extend
from tests.factories import UserFactory, unit

from .history import case_of, ev, indicators, load, person, tertial

pytestmark = pytest.mark.django_db


def sikta(pnr, *rows):
    return [
        ev(pnr, "aktualisering", "2025-01-10", "SJUKPENNING", program="SIKTA"),
        ev(pnr, "kartlaggning", "2025-01-15", program="SIKTA"),
        ev(pnr, "jobbsok", "2025-02-01", program="SIKTA"),  # no insats limit
        *rows,
    ]


@pytest.fixture
def sikta_coach(db):
    return UserFactory(username="siktacoach", roles=["coach"], units=[unit("sikta-sodra")])


def test_the_case_deadline_is_twelve_months_from_the_first_insats():
    pnr = person()
    assert load(sikta(pnr)).ok
    case = case_of(pnr, "SIKTA")
    assert case.case_deadline == date(2026, 1, 14) == case.deadline


def test_a_case_past_its_limit_counts_in_overstay_until_the_exit():
    pnr = person()
    exit_row = ev(pnr, "avslut", "2026-03-01", "FORSTARKT_SAMARBETE", program="SIKTA")
    assert load(sikta(pnr, exit_row)).ok
    case = case_of(pnr, "SIKTA")
    (late,) = rules.overstays(case, date(2026, 12, 1))
    assert (late.state, late.deadline, late.days) == (rules.CASE_LIMIT, date(2026, 1, 14), 45)
    assert indicators(*tertial(2025, 3), "SIKTA")["OVERSTAY"]["total"] == 0
    assert indicators(*tertial(2026, 1), "SIKTA")["OVERSTAY"]["total"] == 1
    assert indicators(*tertial(2026, 2), "SIKTA")["OVERSTAY"]["total"] == 0


def test_an_exit_the_day_after_the_last_permitted_day_is_no_overstay():
    pnr = person()
    assert load(sikta(pnr, ev(pnr, "avslut", "2026-01-15", "ARBETE", program="SIKTA"))).ok
    assert rules.overstays(case_of(pnr, "SIKTA"), date(2026, 12, 1)) == []
    assert indicators(*tertial(2026, 1), "SIKTA")["OVERSTAY"]["total"] == 0


def test_one_extension_of_up_to_six_months_with_a_reason(sikta_coach):
    pnr = person()
    assert load(sikta(pnr)).ok
    case = case_of(pnr, "SIKTA")
    on = date(2026, 1, 10)
    for months, reason, message in [(7, "Mot studier", "1–6 månader"), (6, " ", "motivering")]:
        with pytest.raises(CaseRuleError, match=message):
            case_extend(case_id=case.pk, on=on, months=months, reason=reason, by=sikta_coach)
    assert not Extension.objects.filter(case=case).exists()
    case_extend(case_id=case.pk, on=on, months=6, reason="Mot studier", by=sikta_coach)
    case.refresh_from_db()
    assert case.case_deadline == date(2026, 7, 14)
    with pytest.raises(CaseRuleError, match="redan förlängt 1 gång av högst 1"):
        case_extend(case_id=case.pk, on=on, months=1, reason="Igen", by=sikta_coach)
    assert indicators(*tertial(2026, 1), "SIKTA")["OVERSTAY"]["total"] == 0


def test_jobbtorg_has_no_case_limit(ready_case, coordinator):
    from casework.services import case_start_insats

    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 1, 5), by=coordinator)
    ready_case.refresh_from_db()
    assert ready_case.case_deadline is None
    with pytest.raises(CaseRuleError, match="ingen förlängning av hela ärendet"):
        case_extend(
            case_id=ready_case.pk, on=date(2026, 2, 1), months=6, reason="x", by=coordinator
        )
