"""The Jobbtorg rulebook at its boundaries (000 §4.4; docs/adr/0003 for the day count)."""

from datetime import date

import pytest
import time_machine

from casework import rules
from casework.models import Case, Extension
from casework.rules import CaseRuleError, add_months
from casework.services import case_exit, case_start_insats, samrad_record, spell_extend
from programmes.models import Programme
from tests.factories import unit, workplace


def start(case, insats, on, by, **kw):
    if insats in ("arbetspraktik", "anstallning"):
        kw.setdefault("workplace", workplace())
    return case_start_insats(case_id=case.pk, insats=insats, on=on, by=by, **kw)


@pytest.fixture
def case(refer, coordinator):
    c = refer(on=date(2025, 12, 1))
    samrad_record(case_id=c.pk, on=date(2025, 12, 1), by=coordinator)
    return c


def reload(case):
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(
    ("start_on", "months", "end"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 12, date(2027, 3, 31)),
    ],
)
def test_calendar_month_arithmetic(start_on, months, end):
    assert add_months(start_on, months) == end


def test_kartlaggning_deadline_is_day_31_and_day_32_is_an_overstay(case, coordinator):
    start(case, "kartlaggning", date(2026, 1, 1), coordinator)
    deadline = reload(case).deadline
    assert deadline == date(2026, 1, 31)
    assert rules.overstay_days(deadline, today=date(2026, 1, 31)) == 0
    assert rules.overstay_days(deadline, today=date(2026, 2, 1)) == 1


def test_kartlaggning_left_on_day_31_leaves_one_day(case, coordinator, coach):
    start(case, "kartlaggning", date(2026, 1, 1), coordinator)
    start(case, "jobbsok", date(2026, 1, 31), coach)  # day 31: 30 days used
    start(case, "kartlaggning", date(2026, 2, 10), coach)
    assert reload(case).deadline == date(2026, 2, 10)  # the one remaining day


def test_kartlaggning_left_on_day_32_spends_the_month(case, coordinator, coach):
    start(case, "kartlaggning", date(2026, 1, 1), coordinator)
    start(case, "jobbsok", date(2026, 2, 1), coach)  # day 32: the whole month used
    with pytest.raises(CaseRuleError, match="förbrukad"):
        start(case, "kartlaggning", date(2026, 2, 10), coach)
    assert reload(case).state == "jobbsok"


def test_kartlaggning_cannot_be_extended(case, coordinator):
    start(case, "kartlaggning", date(2026, 1, 1), coordinator)
    with pytest.raises(CaseRuleError, match="kan inte förlängas"):
        spell_extend(
            case_id=case.pk, on=date(2026, 1, 20), reason="Behöver mer tid", by=coordinator
        )


def test_jobbsok_has_no_deadline(case, coordinator):
    start(case, "jobbsok", date(2026, 1, 1), coordinator)
    assert reload(case).deadline is None


def test_arbetstraning_six_months_then_one_extension_of_six(case, coordinator, coach):
    start(case, "arbetstraning", date(2026, 1, 31), coordinator)
    assert reload(case).deadline == date(2026, 7, 30)
    spell_extend(case_id=case.pk, on=date(2026, 7, 1), reason="Nära anställning", by=coach)
    assert reload(case).deadline == date(2027, 1, 30)
    with pytest.raises(CaseRuleError, match="redan förlängd 1 gång av högst 1"):
        spell_extend(case_id=case.pk, on=date(2026, 8, 1), reason="Igen", by=coach)
    assert Extension.objects.filter(case=case).count() == 1


def test_extension_needs_a_reason(case, coordinator, coach):
    start(case, "arbetspraktik", date(2026, 1, 5), coordinator)
    with pytest.raises(CaseRuleError, match="motivering"):
        spell_extend(case_id=case.pk, on=date(2026, 6, 1), reason="  ", by=coach)
    assert not Extension.objects.exists()


def test_limits_are_cumulative_across_two_spells(case, coordinator, coach):
    start(case, "arbetstraning", date(2026, 1, 1), coordinator)  # budget 181 days to 1 Jul
    start(case, "arbetspraktik", date(2026, 4, 1), coach)  # 90 days used
    start(case, "arbetstraning", date(2026, 5, 1), coach)
    assert reload(case).deadline == date(2026, 7, 30)  # 91 days left
    start(case, "jobbsok", date(2026, 7, 31), coach)  # all 181 days used
    with pytest.raises(CaseRuleError, match="181 dagar av 181"):
        start(case, "arbetstraning", date(2026, 8, 3), coach)


def test_extension_counts_for_a_later_spell_of_the_same_type(case, coordinator, coach):
    start(case, "arbetstraning", date(2026, 1, 1), coordinator)
    spell_extend(case_id=case.pk, on=date(2026, 5, 1), reason="Bra utveckling", by=coach)
    start(case, "jobbsok", date(2026, 9, 1), coach)  # 243 of 365 days used
    start(case, "arbetstraning", date(2026, 10, 1), coach)
    assert reload(case).deadline == date(2027, 1, 30)  # 365 - 243 = 122 days left
    with pytest.raises(CaseRuleError, match="redan förlängd"):
        spell_extend(case_id=case.pk, on=date(2026, 10, 2), reason="Igen", by=coach)


def test_anstallning_twelve_months_and_two_extensions_each_with_samrad(case, coordinator, coach):
    start(case, "anstallning", date(2025, 12, 1), coordinator)
    assert reload(case).deadline == date(2026, 11, 30)
    with pytest.raises(CaseRuleError, match="samråd"):
        spell_extend(case_id=case.pk, on=date(2026, 10, 1), reason="Undantag", by=coach)
    samrad_record(case_id=case.pk, on=date(2026, 10, 1), by=coach)
    spell_extend(case_id=case.pk, on=date(2026, 10, 1), reason="Undantag", by=coach)
    assert reload(case).deadline == date(2027, 5, 31)
    with pytest.raises(CaseRuleError, match="samråd"):  # the first samråd is used up
        spell_extend(case_id=case.pk, on=date(2026, 10, 2), reason="Undantag", by=coach)
    samrad_record(case_id=case.pk, on=date(2026, 10, 3), by=coach)
    spell_extend(case_id=case.pk, on=date(2026, 10, 3), reason="Undantag igen", by=coach)
    assert reload(case).deadline == date(2027, 11, 30)
    samrad_record(case_id=case.pk, on=date(2026, 10, 4), by=coach)
    with pytest.raises(CaseRuleError, match="högst 2"):
        spell_extend(case_id=case.pk, on=date(2026, 10, 4), reason="En tredje", by=coach)


def test_osa_needs_a_planned_end_which_is_its_deadline(case, coordinator, coach):
    with pytest.raises(CaseRuleError, match="planerat slutdatum"):
        start(case, "anstallning", date(2026, 1, 5), coordinator, is_osa=True)
    start(
        case,
        "anstallning",
        date(2026, 1, 5),
        coordinator,
        is_osa=True,
        planned_end=date(2028, 6, 30),
    )
    assert reload(case).deadline == date(2028, 6, 30)
    with pytest.raises(CaseRuleError, match="OSA"):
        spell_extend(case_id=case.pk, on=date(2026, 3, 1), reason="x", by=coach)


def test_workplace_required_for_praktik_and_anstallning(case, coordinator):
    with pytest.raises(CaseRuleError, match="arbetsplats"):
        case_start_insats(
            case_id=case.pk, insats="arbetspraktik", on=date(2026, 1, 5), by=coordinator
        )


def test_first_insats_needs_a_samrad_in_jobbtorg(refer, coordinator):
    case = refer(on=date(2026, 1, 2))
    with pytest.raises(CaseRuleError, match="samråd"):
        start(case, "kartlaggning", date(2026, 1, 5), coordinator)
    samrad_record(case_id=case.pk, on=date(2026, 1, 6), by=coordinator)
    with pytest.raises(CaseRuleError):  # a samråd after the start date does not precede it
        start(case, "kartlaggning", date(2026, 1, 5), coordinator)
    start(case, "kartlaggning", date(2026, 1, 6), coordinator)


def test_sikta_needs_no_samrad(refer, coordinator):
    case = refer(
        programme=Programme.objects.get(code="SIKTA"),
        unit=unit("sikta-sodra"),
        income_support="SJUKPENNING",
    )
    unit("sikta-sodra").members.add(coordinator)
    start(case, "arbetstraning", date(2026, 1, 5), coordinator)
    assert reload(case).deadline == date(2027, 1, 4)


def test_bromodellen_coordinator_sets_the_maximum(refer, coordinator):
    case = refer(
        programme=Programme.objects.get(code="BROMODELLEN"),
        unit=unit("linkoping-arena"),
        income_support="EB_ANNAT",
        baseline_step=1,
    )
    with pytest.raises(CaseRuleError, match="planerat slutdatum"):
        start(case, "arbetstraning", date(2026, 1, 5), coordinator)
    start(case, "arbetstraning", date(2026, 1, 5), coordinator, planned_end=date(2026, 9, 30))
    assert reload(case).deadline == date(2026, 9, 30)
    with pytest.raises(CaseRuleError, match="ingår inte"):
        start(case, "arbetspraktik", date(2026, 2, 1), coordinator)


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_a_late_exit_is_recorded_and_the_overstay_counted(case, coordinator, coach):
    start(case, "kartlaggning", date(2026, 1, 1), coordinator)
    case_exit(case_id=case.pk, on=date(2026, 3, 1), reason_code="ARBETE", by=coach)
    spell = rules.spells(reload(case))[-2]
    assert rules.overstay_days(date(2026, 1, 31), today=date(2026, 4, 1), end=spell.end) == 28
