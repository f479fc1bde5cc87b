"""A full programme puts new starts on a waiting list in referral order (000 §4.4; 002 §5)."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import Case, Transition
from casework.rules import CaseRuleError
from casework.services import CapacityFull, case_exit, case_start_insats, samrad_record
from programmes.models import InsatsRule, Programme
from referrals.models import WaitingListEntry
from referrals.services import (
    insats_start_or_enqueue,
    referral_close,
    referral_register,
    waiting_list_start_next,
)
from tests.factories import UserFactory, make_pnr, unit

D = date(2026, 2, 2)


@pytest.fixture
def two_places(jobbtorg):
    InsatsRule.objects.filter(programme=jobbtorg, insats_type="kartlaggning").update(capacity=2)


def ready(refer, coordinator, on):
    case = refer(on=on)
    samrad_record(case_id=case.pk, on=on, by=coordinator)
    return case


def start(case, by, on=D):
    return insats_start_or_enqueue(case_id=case.pk, insats="kartlaggning", on=on, by=by)


def test_starts_while_places_are_free_then_queues_in_referral_order(two_places, refer, coordinator):
    cases = [ready(refer, coordinator, date(2026, 1, d)) for d in (10, 11, 5, 3)]
    # The two referred last take the two places; the later starts queue.
    assert start(cases[0], coordinator).transition is not None
    assert start(cases[1], coordinator).transition is not None
    queued_late = start(cases[2], coordinator)  # referred 5 Jan
    queued_early = start(cases[3], coordinator)  # referred 3 Jan, decided later
    assert queued_late.entry is not None and queued_early.entry is not None
    assert queued_early.position == 1 and queued_late.position == 2
    order = WaitingListEntry.objects.waiting().in_referral_order()
    assert [e.case_id for e in order] == [cases[3].pk, cases[2].pk]
    for case in cases[2:]:
        case.refresh_from_db()
        assert case.state == "aktualisering"
    assert Case.objects.filter(state="kartlaggning").count() == 2


def test_freed_place_goes_to_the_first_in_line(two_places, refer, coordinator):
    cases = [ready(refer, coordinator, date(2026, 1, d)) for d in (10, 11, 5, 3)]
    for case in cases:
        start(case, coordinator)
    with pytest.raises(
        CaseRuleError,
        match="platser för Kartläggning och individuell planering i JOBBTORG är upptagna",
    ):
        waiting_list_start_next(
            programme=cases[0].programme, insats="kartlaggning", on=D, by=coordinator
        )
    case_exit(case_id=cases[0].pk, on=D, reason_code="ARBETE", by=coordinator)
    outcome = waiting_list_start_next(
        programme=cases[0].programme, insats="kartlaggning", on=D, by=coordinator
    )
    assert outcome.entry.case_id == cases[3].pk
    cases[3].refresh_from_db()
    assert cases[3].state == "kartlaggning"
    assert [e.case_id for e in WaitingListEntry.objects.waiting()] == [cases[2].pk]


def test_a_later_referral_does_not_jump_the_line_when_a_place_frees(two_places, refer, coordinator):
    cases = [ready(refer, coordinator, date(2026, 1, d)) for d in (10, 11, 3)]
    for case in cases:
        start(case, coordinator)
    case_exit(case_id=cases[0].pk, on=D, reason_code="ARBETE", by=coordinator)
    newcomer = ready(refer, coordinator, date(2026, 1, 20))
    assert start(newcomer, coordinator).entry is not None
    assert [e.case_id for e in WaitingListEntry.objects.waiting().in_referral_order()] == [
        cases[2].pk,
        newcomer.pk,
    ]


def test_unstartable_case_is_refused_not_queued(two_places, refer, coordinator):
    case = refer(on=date(2026, 1, 3))  # no samråd
    with pytest.raises(CaseRuleError, match="samråd"):
        start(case, coordinator)
    assert not WaitingListEntry.objects.exists()


def test_ej_aktuell_takes_the_case_out_of_line(two_places, refer, coordinator):
    cases = [ready(refer, coordinator, date(2026, 1, d)) for d in (10, 11, 3)]
    for case in cases:
        start(case, coordinator)
    referral_close(case_id=cases[2].pk, on=D, by=coordinator, reason="Flyttat")
    assert not WaitingListEntry.objects.waiting().exists()
    assert WaitingListEntry.objects.get().resolution == "withdrawn"


def test_ej_aktuell_needs_a_reason(refer, coordinator):
    case = refer()
    with pytest.raises(CaseRuleError, match="inte är aktuellt"):
        referral_close(case_id=case.pk, on=D, by=coordinator, reason=" ")


def test_a_coach_move_into_a_full_insats_is_refused_and_changes_nothing(
    two_places, refer, coordinator, coach
):
    cases = [ready(refer, coordinator, date(2026, 1, d)) for d in (10, 11, 12)]
    start(cases[0], coordinator)
    start(cases[1], coordinator)
    case_start_insats(case_id=cases[2].pk, insats="jobbsok", on=D, by=coordinator)
    with pytest.raises(CapacityFull, match="Alla 2 platser"):
        case_start_insats(case_id=cases[2].pk, insats="kartlaggning", on=D, by=coach)
    assert Case.objects.get(pk=cases[2].pk).state == "jobbsok"


def test_another_unit_of_the_same_organisation_cannot_start_the_line(
    client, two_places, refer, coordinator
):
    from django.urls import reverse

    from programmes.models import Unit
    from tests.factories import UserFactory, unit

    cases = [ready(refer, coordinator, date(2026, 1, d)) for d in (10, 11, 5)]
    for case in cases:
        start(case, coordinator)
    case_exit(case_id=cases[0].pk, on=D, reason_code="ARBETE", by=coordinator)
    second = Unit.objects.create(
        organisation=unit().organisation, code="nykoping-jobbtorg-2", name="Jobbtorg 2"
    )
    intruder = UserFactory(username="samordnare_2", roles=["coordinator"], units=[second])
    waiting = list(WaitingListEntry.objects.waiting().values_list("pk", "resolved_at"))
    with pytest.raises(CaseRuleError, match="Ingen står i väntelistan"):
        waiting_list_start_next(
            programme=cases[0].programme, insats="kartlaggning", on=D, by=intruder
        )
    client.force_login(intruder)
    data = {"programme": cases[0].programme_id, "insats": "kartlaggning", "on": "2026-02-02"}
    client.post(reverse("referrals:waiting_list"), data)
    assert list(WaitingListEntry.objects.waiting().values_list("pk", "resolved_at")) == waiting
    cases[2].refresh_from_db()
    assert cases[2].state == "aktualisering"


def test_the_queue_form_puts_a_full_anstallning_on_the_list_with_its_workplace(
    client, jobbtorg, refer, coordinator
):
    from tests.factories import workplace

    InsatsRule.objects.filter(programme=jobbtorg, insats_type="anstallning").update(capacity=1)
    park = workplace(kommunal=True)
    first, second = (ready(refer, coordinator, date(2026, 1, d)) for d in (5, 6))
    client.force_login(coordinator)
    for case in (first, second):
        client.post(
            reverse("referrals:start", args=[case.pk]),
            {"insats": "anstallning", "on": "2026-02-02", "workplace": park.pk},
        )
    first.refresh_from_db()
    assert first.state == "anstallning"
    entry = WaitingListEntry.objects.waiting().get()
    assert (entry.case_id, entry.workplace, entry.insats_type) == (second.pk, park, "anstallning")


@pytest.fixture
def bromodellen_full(db):
    """Bromodellen's arbetsträning with one place, taken; a second case ready to start."""
    arena = unit("linkoping-arena")
    by = UserFactory(username="koordinator", roles=["coordinator"], units=[arena])
    programme = Programme.objects.get(code="BROMODELLEN")
    InsatsRule.objects.filter(programme=programme, insats_type="arbetstraning").update(capacity=1)
    facts = {"gender": "M", "programme": programme, "unit": arena, "on": date(2026, 1, 2)}
    facts |= {"income_support": "INGEN", "baseline_step": 1, "by": by}
    cases = [
        referral_register(personnummer_value=make_pnr(date(1990, 1, 1), serial), **facts)
        for serial in (411, 412)
    ]
    case_start_insats(
        case_id=cases[0].pk, insats="arbetstraning", on=date(2026, 2, 1), by=by,
        planned_end=date(2026, 10, 1),
    )  # fmt: skip
    return programme, cases, by


def test_the_minimum_decided_with_a_queued_start_applies_when_it_starts(bromodellen_full):
    programme, (holder, case), by = bromodellen_full
    outcome = insats_start_or_enqueue(
        case_id=case.pk, insats="arbetstraning", on=date(2026, 2, 2), by=by,
        planned_end=date(2026, 11, 1), min_end=date(2026, 6, 1),
    )  # fmt: skip
    assert outcome.entry is not None and outcome.entry.min_end == date(2026, 6, 1)
    case_exit(case_id=holder.pk, on=date(2026, 3, 2), reason_code="ARBETE", by=by)

    waiting_list_start_next(programme=programme, insats="arbetstraning", on=date(2026, 3, 2), by=by)

    started = Transition.objects.filter(case=case).latest("seq")
    assert (started.to_state, started.min_end) == ("arbetstraning", date(2026, 6, 1))
    with pytest.raises(CaseRuleError, match="minsta tiden 2026-06-01"):
        case_exit(case_id=case.pk, on=date(2026, 4, 1), reason_code="AVBROTT", by=by)


def test_a_minimum_the_start_would_refuse_is_refused_before_it_is_queued(bromodellen_full):
    _programme, (_holder, case), by = bromodellen_full
    with pytest.raises(CaseRuleError, match="Minsta tiden måste ligga efter startdatumet"):
        insats_start_or_enqueue(
            case_id=case.pk, insats="arbetstraning", on=date(2026, 2, 2), by=by,
            planned_end=date(2026, 11, 1), min_end=date(2026, 2, 1),
        )  # fmt: skip
    assert not WaitingListEntry.objects.exists()


def test_the_waiting_list_shows_what_the_start_will_apply(bromodellen_full, client):
    _programme, (_holder, case), by = bromodellen_full
    insats_start_or_enqueue(
        case_id=case.pk, insats="arbetstraning", on=date(2026, 2, 2), by=by,
        planned_end=date(2026, 11, 1), min_end=date(2026, 6, 1), scope=50,
    )  # fmt: skip
    client.force_login(by)
    html = client.get(reverse("referrals:waiting_list")).content.decode()
    assert "planerat slut 2026-11-01, minsta tid till 2026-06-01, 50 % av heltid" in html
