"""Stale writes (issue 17 item 6): a form carries the case version it was rendered from;
a service refuses a case that has moved since, in Swedish, and writes nothing (ADR 0105)."""

import re
import threading
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from casework.models import Case, Extension, Note, Transition
from casework.services import (
    StaleCase,
    case_exit,
    case_start_insats,
    note_add,
    spell_extend,
)
from referrals.services import insats_start_or_enqueue, referral_close

TODAY = date(2026, 3, 2)
STALE = "Ärendet har ändrats av någon annan sedan du öppnade formuläret"


def journal_size(case) -> int:
    return sum(model.objects.filter(case=case).count() for model in (Transition, Note, Extension))


def version_of(case) -> int:
    return Case.objects.get(pk=case.pk).version


def test_every_service_write_moves_the_version(ready_case, coordinator):
    before = version_of(ready_case)
    case_start_insats(case_id=ready_case.pk, insats="jobbsok", on=date(2026, 1, 5), by=coordinator)
    after_start = version_of(ready_case)
    note_add(case_id=ready_case.pk, text="Samtal.", on=date(2026, 1, 6), by=coordinator)
    assert before < after_start < version_of(ready_case)


def test_a_service_refuses_a_case_moved_since_and_writes_nothing(ready_case, coordinator, coach):
    seen = version_of(ready_case)
    case_start_insats(
        case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
    )
    rows, moved = journal_size(ready_case), version_of(ready_case)
    with pytest.raises(StaleCase, match=STALE):
        case_exit(
            case_id=ready_case.pk,
            on=date(2026, 1, 6),
            reason_code="ARBETE",
            by=coordinator,
            expected_version=seen,
        )
    assert journal_size(ready_case) == rows
    assert version_of(ready_case) == moved
    assert Case.objects.get(pk=ready_case.pk).state == "kartlaggning"


def test_the_current_version_is_accepted_and_none_means_unchecked(ready_case, coordinator):
    case_start_insats(
        case_id=ready_case.pk,
        insats="kartlaggning",
        on=date(2026, 1, 5),
        by=coordinator,
        expected_version=version_of(ready_case),
    )
    note_add(case_id=ready_case.pk, text="Import.", on=date(2026, 1, 6), by=coordinator)
    assert Case.objects.get(pk=ready_case.pk).state == "kartlaggning"


def test_the_queue_services_refuse_a_moved_case(ready_case, coordinator):
    seen = version_of(ready_case)
    note_add(case_id=ready_case.pk, text="Samtal.", on=date(2026, 1, 3), by=coordinator)
    rows = journal_size(ready_case)
    with pytest.raises(StaleCase):
        insats_start_or_enqueue(
            case_id=ready_case.pk,
            insats="jobbsok",
            on=date(2026, 1, 5),
            by=coordinator,
            expected_version=seen,
        )
    with pytest.raises(StaleCase):
        referral_close(
            case_id=ready_case.pk,
            on=date(2026, 1, 5),
            by=coordinator,
            reason="Flyttat",
            expected_version=seen,
        )
    assert journal_size(ready_case) == rows


@time_machine.travel(TODAY, tick=False)
def test_a_case_action_form_rendered_before_another_write_is_refused(
    client, ready_case, coordinator
):
    client.force_login(coordinator)
    url = reverse("casework:case_action", args=[ready_case.pk, "start_jobbsok"])
    html = client.get(url).content.decode()
    rendered = int(re.search(r'name="version" value="(\d+)"', html).group(1))
    assert rendered == version_of(ready_case)
    case_start_insats(
        case_id=ready_case.pk, insats="arbetstraning", on=date(2026, 1, 5), by=coordinator
    )
    rows = journal_size(ready_case)
    response = client.post(url, {"on": "2026-03-02", "reason": "", "version": rendered})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert journal_size(ready_case) == rows
    assert Case.objects.get(pk=ready_case.pk).state == "arbetstraning"


@time_machine.travel(TODAY, tick=False)
def test_a_queue_form_rendered_before_another_write_is_refused(client, ready_case, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("referrals:queue")).content.decode()
    rendered = re.findall(r'name="version" value="(\d+)"', html)
    assert rendered and set(rendered) == {str(version_of(ready_case))}
    note_add(case_id=ready_case.pk, text="Samtal.", on=date(2026, 1, 3), by=coordinator)
    rows = journal_size(ready_case)
    response = client.post(
        reverse("referrals:close", args=[ready_case.pk]),
        {"on": "2026-03-02", "reason": "Flyttat", "version": rendered[0]},
        follow=True,
    )
    assert STALE in response.content.decode()
    assert journal_size(ready_case) == rows
    assert Case.objects.get(pk=ready_case.pk).state == "aktualisering"


# --- two writers released together, on PostgreSQL ----------------------------------------


def race(*operations):
    """Run the operations in threads (own connections) released together."""
    barrier = threading.Barrier(len(operations))
    outcomes = [None] * len(operations)

    def run(i, operation):
        try:
            barrier.wait()
            operation()
        except Exception as exc:  # collected and asserted by the caller
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, op)) for i, op in enumerate(operations)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def assert_one_winner(outcomes):
    assert sum(o is None for o in outcomes) == 1, outcomes
    loser = next(o for o in outcomes if o is not None)
    assert isinstance(loser, StaleCase), loser
    assert STALE in loser.messages[0]


TRIALS = 5


def case_in(insats, refer, coordinator):
    from casework.services import samrad_record

    case = refer()
    samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
    case_start_insats(case_id=case.pk, insats=insats, on=date(2026, 1, 5), by=coordinator)
    return case, version_of(case)


def starts_at_once(case, seen, coordinator, coach):
    def start(insats, user):
        return lambda: case_start_insats(
            case_id=case.pk, insats=insats, on=date(2026, 1, 20), by=user, expected_version=seen
        )

    return race(start("jobbsok", coordinator), start("arbetstraning", coach))


def exit_and_extend_at_once(case, seen, coordinator, coach):
    def exit_():
        case_exit(
            case_id=case.pk,
            on=date(2026, 6, 1),
            reason_code="ARBETE",
            by=coordinator,
            expected_version=seen,
        )

    def extend():
        spell_extend(
            case_id=case.pk,
            on=date(2026, 6, 1),
            reason="Behöver mer tid",
            by=coach,
            expected_version=seen,
        )

    return race(exit_, extend)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseeded")
def test_jobbsok_and_arbetstraning_at_once_from_kartlaggning_one_wins(refer, coordinator, coach):
    for _ in range(TRIALS):
        case, seen = case_in("kartlaggning", refer, coordinator)
        rows = Transition.objects.filter(case=case).count()
        assert_one_winner(starts_at_once(case, seen, coordinator, coach))
        assert Transition.objects.filter(case=case).count() == rows + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseeded")
def test_exit_and_extend_at_once_one_wins(refer, coordinator, coach):
    for _ in range(TRIALS):
        case, seen = case_in("arbetstraning", refer, coordinator)
        rows = journal_size(case)
        assert_one_winner(exit_and_extend_at_once(case, seen, coordinator, coach))
        assert journal_size(case) == rows + 1
