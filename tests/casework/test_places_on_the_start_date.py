"""Places (000 §4.4; 002 §5): regular municipal anställningar only in Jobbtorg, counted on
the start date; Bromodellen's are full-time places; Järfälla has no limit."""

from datetime import date

import pytest

from casework.services import CapacityFull, case_start_insats, samrad_record
from programmes.models import InsatsRule
from tests.factories import workplace

pytestmark = pytest.mark.django_db


def one_place(code="JOBBTORG", insats="anstallning"):
    InsatsRule.objects.filter(programme__code=code, insats_type=insats).update(capacity=1)


@pytest.fixture
def jobbtorg_cases(refer, coordinator):
    def make():
        case = refer(on=date(2026, 1, 2))
        samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
        return case

    return make


def start(case, on, by, **kwargs):
    return case_start_insats(case_id=case.pk, insats="anstallning", on=on, by=by, **kwargs)


def test_the_last_municipal_place_is_refused_but_osa_and_private_take_none(
    jobbtorg_cases, coordinator
):
    one_place()
    start(jobbtorg_cases(), date(2026, 2, 1), coordinator, workplace=workplace(kommunal=True))
    start(jobbtorg_cases(), date(2026, 3, 1), coordinator, workplace=workplace(kommunal=False))
    start(
        jobbtorg_cases(), date(2026, 3, 1), coordinator, workplace=workplace(kommunal=True),
        is_osa=True, planned_end=date(2027, 3, 1),
    )  # fmt: skip
    with pytest.raises(CapacityFull, match="Alla 1 platser"):
        start(jobbtorg_cases(), date(2026, 3, 1), coordinator, workplace=workplace(kommunal=True))


def test_a_back_dated_start_is_judged_by_the_places_taken_that_day(jobbtorg_cases, coordinator):
    one_place()
    start(jobbtorg_cases(), date(2026, 3, 1), coordinator, workplace=workplace(kommunal=True))
    earlier = jobbtorg_cases()
    start(earlier, date(2026, 1, 20), coordinator, workplace=workplace(kommunal=True))
    case_start_insats(case_id=earlier.pk, insats="jobbsok", on=date(2026, 2, 1), by=coordinator)
    assert earlier.transitions.count() == 3


def test_bromodellen_counts_full_time_places(db):
    from programmes.models import Programme
    from referrals.services import referral_register
    from tests.factories import UserFactory, make_pnr, unit

    one_place("BROMODELLEN", "arbetstraning")
    arena = unit("linkoping-arena")
    coordinator = UserFactory(username="koordinator", roles=["coordinator"], units=[arena])
    programme = Programme.objects.get(code="BROMODELLEN")

    def case_at(scope, serial):
        case = referral_register(
            personnummer_value=make_pnr(date(1990, 1, 1), serial), gender="K",
            programme=programme, unit=arena, on=date(2026, 1, 2), income_support="INGEN",
            baseline_step=1, by=coordinator,
        )  # fmt: skip
        return case_start_insats(
            case_id=case.pk, insats="arbetstraning", on=date(2026, 2, 1), by=coordinator,
            planned_end=date(2026, 8, 1), scope=scope,
        )  # fmt: skip

    case_at(50, 301)
    case_at(50, 302)  # two half places: the one full-time place
    with pytest.raises(CapacityFull):
        case_at(10, 303)


def test_jarfalla_has_no_place_limit(db):
    assert not InsatsRule.objects.filter(
        programme__code="AME_JARFALLA", capacity__isnull=False
    ).exists()
    assert InsatsRule.objects.get(programme__code="JOBBTORG", insats_type="anstallning").capacity


def test_the_waiting_list_shows_when_the_next_place_frees(jobbtorg_cases, coordinator):
    from casework.places import next_place_frees, places_taken

    one_place()
    start(jobbtorg_cases(), date(2026, 2, 1), coordinator, workplace=workplace(kommunal=True))
    rule = InsatsRule.objects.get(programme__code="JOBBTORG", insats_type="anstallning")
    assert places_taken(rule, date(2026, 3, 1)) == 1
    assert places_taken(rule, date(2026, 1, 31)) == 0
    assert next_place_frees(rule, date(2026, 3, 1)) == date(2027, 2, 1)  # 12 months
