"""'Sätt på väntelistan' from the case page and the queue: a full programme offers the
waiting list with the details the start will need, and the coordinator starts the first
in line when a place frees (issue 11 item 3; 000 §4.4; 002 §5)."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import Case, Transition
from casework.services import case_exit, case_start_insats, samrad_record
from programmes.models import InsatsRule, Programme
from referrals.models import WaitingListEntry
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit, workplace

pytestmark = pytest.mark.django_db
START = "2026-03-02"


def one_place(code="JOBBTORG", insats="anstallning"):
    InsatsRule.objects.filter(programme__code=code, insats_type=insats).update(capacity=1)


@pytest.fixture
def ready(refer, coordinator):
    def make(on=date(2026, 1, 2)):
        case = refer(on=on)
        samrad_record(case_id=case.pk, on=on, by=coordinator)
        return case

    return make


@pytest.fixture
def full_jobbtorg(ready, coordinator):
    """Jobbtorg with one place for a regular municipal anställning, taken from 1 February."""
    one_place()
    taker = ready()
    case_start_insats(
        case_id=taker.pk, insats="anstallning", on=date(2026, 2, 1), by=coordinator,
        workplace=workplace(kommunal=True),
    )  # fmt: skip
    return taker


def start_form(case, **extra):
    return {
        "on": START,
        "version": Case.objects.get(pk=case.pk).version,
        "workplace": workplace(kommunal=True).pk,
        "planned_end": "2026-12-31",
        "scope": "80",
        "reason": "Beslut i samråd",
        **extra,
    }


def action_url(case):
    return reverse("casework:case_action", args=[case.pk, "start_anstallning"])


def test_a_full_programme_offers_the_waiting_list_instead_of_only_refusing(
    client, coordinator, full_jobbtorg, ready
):
    case = ready()
    client.force_login(coordinator)
    response = client.post(action_url(case), start_form(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alla 1 platser" in html
    assert 'name="waiting_list"' in html and "Sätt på väntelistan" in html
    assert Case.objects.get(pk=case.pk).state == "aktualisering"
    assert not WaitingListEntry.objects.exists()


def test_a_start_with_a_free_place_offers_no_waiting_list(client, coordinator, ready):
    one_place()
    case = ready()
    client.force_login(coordinator)
    html = client.get(action_url(case)).content.decode()
    assert "Sätt på väntelistan" not in html
    client.post(action_url(case), start_form(case))
    assert Case.objects.get(pk=case.pk).state == "anstallning"


def test_putting_the_case_on_the_list_keeps_the_details_the_start_needs(
    client, coordinator, full_jobbtorg, ready
):
    case = ready()
    client.force_login(coordinator)
    response = client.post(action_url(case), start_form(case, waiting_list="on"), follow=True)
    html = response.content.decode()
    assert "nummer 1 i väntelistan" in html
    entry = WaitingListEntry.objects.waiting().get(case=case)
    assert (entry.insats_type, entry.workplace, entry.is_osa) == (
        "anstallning",
        workplace(kommunal=True),
        False,
    )
    assert (entry.planned_end, entry.scope, entry.decided_on) == (
        date(2026, 12, 31),
        80,
        date(2026, 3, 2),
    )
    assert Case.objects.get(pk=case.pk).state == "aktualisering"
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "nummer 1 i kön sedan 2026-03-02" in page


def test_the_waiting_list_is_refused_while_a_place_is_free(client, coordinator, ready):
    one_place()
    case = ready()
    client.force_login(coordinator)
    response = client.post(action_url(case), start_form(case, waiting_list="on"))
    assert "Det finns en ledig plats" in response.content.decode()
    assert not WaitingListEntry.objects.exists()
    assert Case.objects.get(pk=case.pk).state == "aktualisering"


def test_a_refusal_other_than_full_is_not_offered_the_list(client, coordinator, refer):
    one_place()
    case = refer()  # no samråd: the first insats is refused for that, not for places
    client.force_login(coordinator)
    response = client.post(action_url(case), start_form(case, waiting_list="on"))
    html = response.content.decode()
    assert "måste föregås av ett samråd" in html
    assert "Sätt på väntelistan" not in html
    assert not WaitingListEntry.objects.exists()


def test_the_coordinator_starts_the_first_in_line_with_its_details_when_a_place_frees(
    client, coordinator, full_jobbtorg, ready
):
    case = ready()
    client.force_login(coordinator)
    client.post(action_url(case), start_form(case, waiting_list="on"))
    listing = client.get(reverse("referrals:waiting_list")).content.decode()
    assert "Nästa plats blir ledig 2027-02-01" in listing  # the taker's 12 months
    case_exit(case_id=full_jobbtorg.pk, on=date(2026, 3, 10), reason_code="ARBETE", by=coordinator)
    client.post(
        reverse("referrals:waiting_list"),
        {"programme": case.programme_id, "insats": "anstallning", "on": "2026-03-11"},
    )
    started = Transition.objects.get(case=case, to_state="anstallning")
    assert (started.effective_on, started.workplace, started.scope, started.planned_end) == (
        date(2026, 3, 11),
        workplace(kommunal=True),
        80,
        date(2026, 12, 31),
    )
    assert not WaitingListEntry.objects.waiting().exists()


# --- the queue's start form carries the scope (omfattning) -----------------------------------


@pytest.fixture
def bromodellen():
    one_place("BROMODELLEN", "arbetstraning")
    arena = unit("linkoping-arena")
    coordinator = UserFactory(username="koordinator", roles=["coordinator"], units=[arena])
    programme = Programme.objects.get(code="BROMODELLEN")
    serials = iter(range(301, 399))

    def refer():
        return referral_register(
            personnummer_value=make_pnr(date(1990, 1, 1), next(serials)), gender="K",
            programme=programme, unit=arena, on=date(2026, 1, 2), income_support="INGEN",
            baseline_step=1, by=coordinator,
        )  # fmt: skip

    return coordinator, refer


def queue_start(client, case, scope=None):
    data = {"insats": "arbetstraning", "on": "2026-02-01", "planned_end": "2026-08-01"}
    if scope is not None:
        data["scope"] = scope
    return client.post(reverse("referrals:start", args=[case.pk]), data, follow=True)


def test_the_queue_start_defaults_to_full_time_and_takes_the_whole_place(client, bromodellen):
    coordinator, refer = bromodellen
    client.force_login(coordinator)
    first, second = refer(), refer()
    queue_start(client, first)
    assert Transition.objects.get(case=first, to_state="arbetstraning").scope == 100
    html = queue_start(client, second, scope="10").content.decode()
    assert "nummer 1 i väntelistan" in html
    assert WaitingListEntry.objects.waiting().get(case=second).scope == 10


def test_the_queue_start_scope_shares_the_full_time_place_and_reaches_the_list(client, bromodellen):
    coordinator, refer = bromodellen
    client.force_login(coordinator)
    half, other_half, queued = refer(), refer(), refer()
    queue_start(client, half, scope="50")
    queue_start(client, other_half, scope="50")
    assert Transition.objects.filter(to_state="arbetstraning").count() == 2
    queue_start(client, queued, scope="40")
    entry = WaitingListEntry.objects.waiting().get(case=queued)
    assert entry.scope == 40
    case_exit(case_id=half.pk, on=date(2026, 3, 1), reason_code="ARBETE", by=coordinator)
    client.post(
        reverse("referrals:waiting_list"),
        {"programme": queued.programme_id, "insats": "arbetstraning", "on": "2026-03-02"},
    )
    assert Transition.objects.get(case=queued, to_state="arbetstraning").scope == 40


def test_the_queue_start_refuses_a_scope_outside_1_to_100(client, bromodellen):
    coordinator, refer = bromodellen
    client.force_login(coordinator)
    case = refer()
    html = queue_start(client, case, scope="0").content.decode()
    assert "Omfattning (% av heltid): " in html
    assert Case.objects.get(pk=case.pk).state == "aktualisering"


def test_a_coach_moving_a_case_to_a_full_programme_puts_it_on_the_list(
    client, coach, coordinator, full_jobbtorg, ready
):
    from casework.services import case_assign_coach

    case = ready()
    case_start_insats(case_id=case.pk, insats="jobbsok", on=date(2026, 2, 2), by=coordinator)
    case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
    client.force_login(coach)
    refused = client.post(action_url(case), start_form(case)).content.decode()
    assert "Sätt på väntelistan" in refused
    client.post(action_url(case), start_form(case, waiting_list="on"))
    assert WaitingListEntry.objects.waiting().get(case=case).queued_by == coach
    assert Case.objects.get(pk=case.pk).state == "jobbsok"


def test_a_case_that_exits_while_in_line_leaves_the_line_and_the_next_starts(
    client, coordinator, full_jobbtorg, ready
):
    exited, waiting = ready(date(2026, 1, 2)), ready(date(2026, 1, 3))
    client.force_login(coordinator)
    for case in (exited, waiting):
        client.post(action_url(case), start_form(case, waiting_list="on"))
    assert WaitingListEntry.objects.waiting().count() == 2
    case_exit(case_id=exited.pk, on=date(2026, 3, 5), reason_code="AVBROTT", by=coordinator)
    case_exit(case_id=full_jobbtorg.pk, on=date(2026, 3, 10), reason_code="ARBETE", by=coordinator)
    client.post(
        reverse("referrals:waiting_list"),
        {"programme": waiting.programme_id, "insats": "anstallning", "on": "2026-03-11"},
    )
    assert Case.objects.get(pk=waiting.pk).state == "anstallning"
    assert WaitingListEntry.objects.get(case=exited).resolution == "withdrawn"
