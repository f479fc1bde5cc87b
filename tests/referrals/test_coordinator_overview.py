"""The overview: caseloads per coach, capacity, and lead-time numbers on the page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework.services import case_assign_coach, case_start_insats, samrad_record
from referrals import selectors
from tests.factories import UserFactory, unit


def test_caseloads_count_states_overstays_and_due_soon(refer, coordinator):
    coach = UserFactory(roles=["coach"], units=[unit()])
    today = timezone.localdate()
    for days_ago in (40, 20):  # kartläggning lasts one month: 40 days ago is an overstay
        case = refer(on=today - timedelta(days=days_ago))
        samrad_record(case_id=case.pk, on=case.referred_on, by=coordinator)
        case_assign_coach(case_id=case.pk, coach=coach, by=coordinator)
        case_start_insats(
            case_id=case.pk, insats="kartlaggning", on=case.referred_on, by=coordinator
        )
    refer(on=today)
    rows = {r["coach"]: r for r in selectors.caseloads(coordinator, today=today)}
    assert rows[coach.pk]["n_kartlaggning"] == 2
    assert (rows[coach.pk]["overstays"], rows[coach.pk]["due_soon"]) == (1, 1)
    assert rows[None]["n_aktualisering"] == 1


@pytest.mark.parametrize("size", [10, 50])
def test_overview_page_shows_medians_and_logs(client, refer, coordinator, size):
    for i in range(size):
        refer(on=date(2026, 1, 1 + i % 20))
    client.force_login(coordinator)
    html = client.get(reverse("referrals:overview"), {"per_page": size}).content.decode()
    assert "Platser per program och insats" in html and "Ledtid per ärende" in html
    assert AccessLog.objects.get().person_count == size
