"""Lead time: days from referral to decision and to first insats, per case and median."""

from datetime import date

import pytest

from casework.services import case_exit, samrad_record
from programmes.models import InsatsRule
from referrals import selectors
from referrals.services import insats_start_or_enqueue


@pytest.fixture
def cases(refer, coordinator, jobbtorg):
    """Four referrals: started after 4 and 10 days, ej aktuell after 6, queued after 8."""
    started = []
    for ref, start in ((date(2026, 1, 1), date(2026, 1, 5)), (date(2026, 1, 2), date(2026, 1, 12))):
        case = refer(on=ref)
        samrad_record(case_id=case.pk, on=ref, by=coordinator)
        insats_start_or_enqueue(case_id=case.pk, insats="kartlaggning", on=start, by=coordinator)
        started.append(case)
    closed = refer(on=date(2026, 1, 3))
    case_exit(case_id=closed.pk, on=date(2026, 1, 9), reason_code="EJ_AKTUELL", by=coordinator)
    InsatsRule.objects.filter(programme=jobbtorg, insats_type="kartlaggning").update(capacity=2)
    queued = refer(on=date(2026, 1, 4))
    samrad_record(case_id=queued.pk, on=date(2026, 1, 4), by=coordinator)
    outcome = insats_start_or_enqueue(
        case_id=queued.pk, insats="kartlaggning", on=date(2026, 1, 12), by=coordinator
    )
    assert outcome.entry is not None
    return [*started, closed, queued]


def test_lead_time_per_case(cases, coordinator):
    rows = {c.pk: c for c in selectors.lead_times(coordinator)}
    got = [
        (
            rows[c.pk].to_decision.days,
            rows[c.pk].to_insats.days if rows[c.pk].to_insats is not None else None,
        )
        for c in cases
    ]
    assert got == [(4, 4), (10, 10), (6, None), (8, None)]


def test_lead_time_medians(cases, coordinator):
    qs = selectors.lead_times(coordinator)
    assert selectors.median_days(qs, "to_decision") == 7.0  # 4, 6, 8, 10
    assert selectors.median_days(qs, "to_insats") == 7.0  # 4, 10


def test_median_of_nothing_is_none(coordinator):
    assert selectors.median_days(selectors.lead_times(coordinator), "to_insats") is None
