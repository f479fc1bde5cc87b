"""Linköping's ladder (001 "Kartläggning"; 002 §2, §5): where a programme uses its step
scale, the baseline is required before the first insats starts; the page shows the steps
over time, baseline first."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import Transition
from casework.rules import CaseRuleError
from casework.services import assessment_record, case_start_insats
from programmes.models import Programme
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def arena_staff():
    return UserFactory(roles=["coordinator", "coach"], units=[unit("linkoping-arena")])


@pytest.fixture
def bromodellen():
    return Programme.objects.get(code="BROMODELLEN")


def refer_bromo(refer, staff, programme, **kwargs):
    return refer(
        programme=programme, unit=unit("linkoping-arena"), by=staff, on=date(2026, 1, 2), **kwargs
    )


def test_first_insats_without_baseline_is_refused_and_writes_nothing(
    refer, arena_staff, bromodellen
):
    case = refer_bromo(refer, arena_staff, bromodellen)
    with pytest.raises(CaseRuleError, match="Utgångsläget"):
        case_start_insats(
            case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=arena_staff
        )
    assert Transition.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.state == "aktualisering"


def test_baseline_set_at_referral_allows_the_first_insats(refer, arena_staff, bromodellen):
    case = refer_bromo(refer, arena_staff, bromodellen, baseline_step=2)
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=arena_staff)
    case.refresh_from_db()
    assert case.state == "kartlaggning"


def test_an_assessment_before_the_first_insats_is_the_baseline(refer, arena_staff, bromodellen):
    case = refer_bromo(refer, arena_staff, bromodellen)
    assessment_record(case_id=case.pk, step=1, on=date(2026, 1, 3), by=arena_staff)
    case.refresh_from_db()
    assert case.baseline_step == 1
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=arena_staff)


def test_programmes_without_the_scale_need_no_baseline(ready_case, coordinator):
    assert ready_case.programme.uses_step_scale is False
    case_start_insats(
        case_id=ready_case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=coordinator
    )


def test_the_case_page_shows_the_steps_over_time_baseline_first(
    client, refer, arena_staff, bromodellen
):
    case = refer_bromo(refer, arena_staff, bromodellen, baseline_step=1)
    case_start_insats(case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=arena_staff)
    assessment_record(case_id=case.pk, step=3, on=date(2026, 2, 10), by=arena_staff)
    assessment_record(case_id=case.pk, step=2, on=date(2026, 3, 10), by=arena_staff)
    client.force_login(arena_staff)
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    table = html[html.index('id="steps"') : html.index("</table>", html.index('id="steps"'))]
    order = [table.index(d) for d in ("2026-01-02", "2026-02-10", "2026-03-10")]
    assert order == sorted(order)
    assert table.index("Utgångsläge") < table.index("2026-02-10")
    assert "3 Arbetsträning med stöd" in table
