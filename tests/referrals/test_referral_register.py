"""Referral intake: identity, eligibility, one person, one open case per programme (domain.md)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.models import Case, Participant, Transition
from casework.rules import CaseRuleError
from casework.services import case_exit
from programmes.models import Programme
from referrals.services import OpenCaseExists
from tests.factories import make_pnr, unit

PNR = make_pnr(date(1990, 5, 17), 990)


def test_referral_opens_a_case_with_its_journal_row(refer, coordinator):
    case = refer(personnummer_value=PNR, on=date(2026, 1, 10))
    assert (case.state, case.referred_on, case.state_since) == (
        "aktualisering",
        date(2026, 1, 10),
        date(2026, 1, 10),
    )
    row = Transition.objects.get(case=case)
    assert (row.from_state, row.to_state, row.actor) == ("", "aktualisering", coordinator)
    assert case.history.first().history_change_reason == "referral.register"


def test_an_existing_person_is_reused(refer, coordinator):
    first = refer(personnummer_value=PNR, on=date(2026, 1, 10))
    case_exit(case_id=first.pk, on=date(2026, 1, 12), reason_code="EJ_AKTUELL", by=coordinator)
    short_form = f"{PNR[2:8]}-{PNR[8:]}"
    second = refer(personnummer_value=short_form, on=date(2026, 3, 1))
    assert second.participant_id == first.participant_id
    assert Participant.objects.count() == 1


def test_an_open_case_in_the_programme_is_refused_with_that_case(refer):
    first = refer(personnummer_value=PNR)
    with pytest.raises(OpenCaseExists) as err:
        refer(personnummer_value=PNR, on=date(2026, 2, 1))
    assert err.value.case == first
    assert Case.objects.count() == 1


def test_an_open_case_in_another_programme_is_fine(refer, coordinator):
    refer(personnummer_value=PNR)
    unit("sikta-sodra").members.add(coordinator)
    refer(
        personnummer_value=PNR,
        programme=Programme.objects.get(code="SIKTA"),
        unit=unit("sikta-sodra"),
    )
    assert Case.objects.filter(participant__personnummer=PNR).count() == 2


def test_re_referral_cannot_predate_the_previous_exit(refer, coordinator):
    first = refer(personnummer_value=PNR, on=date(2026, 1, 10))
    case_exit(case_id=first.pk, on=date(2026, 2, 1), reason_code="EJ_AKTUELL", by=coordinator)
    with pytest.raises(CaseRuleError, match="före förra ärendets avslut"):
        refer(personnummer_value=PNR, on=date(2026, 1, 20))


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (date(2008, 1, 10), True),  # 18 on the referral day
        (date(2008, 1, 11), False),  # 17
        (date(1961, 1, 11), True),  # 64
        (date(1961, 1, 10), False),  # 65 on the referral day
    ],
)
def test_jobbtorg_age_range_18_to_64_at_its_boundaries(refer, born, ok):
    value = make_pnr(born, 991)
    if ok:
        refer(personnummer_value=value, on=date(2026, 1, 10))
    else:
        with pytest.raises(CaseRuleError, match="utanför målgruppen 18–64"):
            refer(personnummer_value=value, on=date(2026, 1, 10))


@pytest.mark.parametrize("code", ["SJUKPENNING", "AKTIVITETSERSATTNING", "INGEN"])
def test_jobbtorg_needs_ekonomiskt_bistand(refer, code):
    with pytest.raises(CaseRuleError, match="ingår inte i programmets målgrupp"):
        refer(income_support=code)


def test_risk_exception_needs_a_note(refer):
    with pytest.raises(CaseRuleError, match="RISK kräver en anteckning"):
        refer(income_support="RISK")
    case = refer(income_support="RISK", risk_note="Identifierad med Campus")
    assert case.income_support == "RISK"


def test_risk_is_no_exception_where_the_programme_has_none(refer, coordinator):
    unit("sikta-sodra").members.add(coordinator)
    with pytest.raises(CaseRuleError, match="ingår inte"):
        refer(
            income_support="RISK",
            risk_note="x",
            programme=Programme.objects.get(code="SIKTA"),
            unit=unit("sikta-sodra"),
        )


def test_all_reasons_are_given_at_once(refer):
    with pytest.raises(CaseRuleError) as err:
        refer(personnummer_value=make_pnr(date(2010, 1, 1), 992), income_support="INGEN")
    assert len(err.value.messages) == 2


def test_outside_the_programme_validity(refer, coordinator):
    unit("sikta-sodra").members.add(coordinator)
    with pytest.raises(CaseRuleError, match="gäller inte"):
        refer(
            programme=Programme.objects.get(code="SIKTA"),
            unit=unit("sikta-sodra"),
            on=date(2023, 9, 30),
        )


def test_invalid_personnummer_refused_in_swedish(refer):
    with pytest.raises(ValidationError, match="Kontrollsiffran"):
        refer(personnummer_value="811218-9875")
    assert not Participant.objects.exists()


def test_only_coordinators_register_referrals(refer, coach):
    with pytest.raises(PermissionDenied):
        refer(by=coach)
    assert not Case.objects.exists()
