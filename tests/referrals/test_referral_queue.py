"""The referral queue: scope, sort, filters, constant queries, actions and the access log."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AccessLog
from casework.models import Case, Samrad
from tests.factories import UserFactory, unit


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    return client


def test_queue_is_sorted_by_waiting_days_and_logs_one_read(web, refer):
    late, early = refer(on=date(2026, 1, 10)), refer(on=date(2026, 1, 2))
    other = refer(unit=unit("sikta-sodra"))  # not the coordinator's unit
    r = web.get(reverse("referrals:queue"))
    html = r.content.decode()
    assert html.index(f'id="case-{early.pk}"') < html.index(f'id="case-{late.pk}"')
    assert f'id="case-{other.pk}"' not in html
    log = AccessLog.objects.get()
    assert log.action == "referral.queue"
    assert log.participant_ids == sorted([late.participant_id, early.participant_id])


def test_filters_narrow_the_queue_and_are_logged(web, refer):
    soc = refer(source="SOC", on=date(2026, 1, 2))
    af = refer(source="AF", gender="M", on=date(2026, 1, 3))
    r = web.get(reverse("referrals:queue"), {"source": "AF", "gender": "M", "age_group": "30-49"})
    html = r.content.decode()
    assert f'id="case-{af.pk}"' in html and f'id="case-{soc.pk}"' not in html
    assert "source=AF" in AccessLog.objects.get().filter_description
    r = web.get(reverse("referrals:queue"), {"age_group": "18-24"})
    assert f'id="case-{af.pk}"' not in r.content.decode()


def test_waiting_over_n_days(web, refer):
    from django.utils import timezone

    recent = refer(on=timezone.localdate())
    old = refer(on=date(2026, 1, 2))
    html = web.get(reverse("referrals:queue"), {"waiting_over": "5"}).content.decode()
    assert f'id="case-{old.pk}"' in html and f'id="case-{recent.pk}"' not in html


@pytest.mark.parametrize("size", [10, 50])
def test_constant_queries_whatever_the_page_size(web, refer, size, django_assert_max_num_queries):
    for i in range(size):
        refer(on=date(2026, 1, 2 + i % 20))
    web.get(reverse("referrals:queue"))  # warm the session
    # 19: the access-log row is also linked into the audit hash chain (4 queries, and on
    # PostgreSQL one more for its advisory lock).
    with django_assert_max_num_queries(19):
        r = web.get(reverse("referrals:queue"), {"per_page": size})
    assert r.content.decode().count('id="case-') == size


def test_samrad_assign_and_start_from_the_queue(web, refer, coordinator):
    case = refer()
    coach = UserFactory(roles=["coach"], units=[unit()])
    web.post(reverse("referrals:samrad", args=[case.pk]), {"on": "2026-01-03"})
    assert Samrad.objects.filter(case=case).exists()
    web.post(reverse("referrals:assign", args=[case.pk]), {"coach": coach.pk})
    r = web.post(
        reverse("referrals:start", args=[case.pk]),
        {"insats": "kartlaggning", "on": "2026-01-05"},
        follow=True,
    )
    case.refresh_from_db()
    assert (case.state, case.coach) == ("kartlaggning", coach)
    assert "har startat" in r.content.decode()


def test_refused_start_shows_swedish_message_and_changes_nothing(web, refer):
    case = refer()
    r = web.post(
        reverse("referrals:start", args=[case.pk]),
        {"insats": "kartlaggning", "on": "2026-01-05"},
        follow=True,
    )
    assert "måste föregås av ett samråd" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "aktualisering"


def test_coach_of_another_unit_cannot_be_assigned(web, refer):
    case = refer()
    stranger = UserFactory(roles=["coach"], units=[unit("sikta-sodra")])
    r = web.post(reverse("referrals:assign", args=[case.pk]), {"coach": stranger.pk})
    assert r.status_code == 404
    assert Case.objects.get(pk=case.pk).coach is None


def test_close_as_ej_aktuell(web, refer):
    case = refer()
    web.post(reverse("referrals:close", args=[case.pk]), {"on": "2026-01-04", "reason": "Flyttat"})
    case.refresh_from_db()
    assert (case.state, case.exit_reason) == ("avslutad", "EJ_AKTUELL")


def test_case_outside_scope_is_404(client, refer):
    case = refer()
    outsider = UserFactory(roles=["coordinator"], units=[unit("sikta-sodra")])
    client.force_login(outsider)
    r = client.post(reverse("referrals:samrad", args=[case.pk]), {"on": "2026-01-03"})
    assert r.status_code == 404
    assert not Samrad.objects.exists()
