from datetime import date

from audit.models import AccessLog, SecurityEvent
from casework.models import Case, Transition
from programmes.models import Programme
from tests.audit.world import build_world
from tests.factories import make_pnr

URL = "/api/v1/referrals"


def body(serial=101, **overrides):
    return {
        "personnummer": make_pnr(date(1990, 5, 17), serial),
        "gender": "K",
        "programme": "JOBBTORG",
        "referred_on": "2026-01-02",
        "income_support": "EB_ARBETSLOSHET",
        "referring_officer": "Handläggare EB",
    } | overrides


def test_a_referral_opens_a_case_in_the_clients_unit_journaled_with_the_client(api_a):
    response = api_a.post(URL, body())
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.unit == api_a.client.unit
    assert response.json()["state"] == "aktualisering"
    row = Transition.objects.get(case=case)
    assert row.actor == api_a.client.user
    assert "Försörjningsstöd" in row.actor_label
    assert not AccessLog.objects.exists()


def test_an_ineligible_person_is_refused_with_the_forms_swedish_reason(api_a):
    response = api_a.post(URL, body(income_support="SJUKPENNING"))
    assert response.status_code == 422
    assert response.json()["code"] == "rule_refused"
    assert "ingår inte i programmets målgrupp" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_second_open_case_in_the_programme_is_a_conflict(api_a):
    assert api_a.post(URL, body()).status_code == 201
    response = api_a.post(URL, body(referred_on="2026-01-05"))
    assert response.status_code == 409
    assert response.json()["code"] == "open_case_exists"
    assert Case.objects.count() == 1


def test_a_wrong_check_digit_is_refused_as_an_invalid_personnummer(api_a):
    response = api_a.post(URL, body(personnummer="199005171230"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_personnummer"
    assert "Kontrollsiffran" in response.json()["detail"]


def test_a_future_date_and_an_unknown_programme_are_refused(api_a):
    future = api_a.post(URL, body(referred_on="2999-01-01"))
    assert (future.status_code, future.json()["code"]) == (422, "rule_refused")
    unknown = api_a.post(URL, body(programme="NOPE"))
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_programme")
    assert not Case.objects.exists()


def test_a_malformed_body_is_a_400_naming_the_field(api_a):
    response = api_a.post(URL, {"gender": "Q"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert any(r.startswith("gender:") for r in response.json()["reasons"])


def test_the_same_idempotency_key_twice_gives_one_case(api_a):
    first = api_a.post(URL, body(), **{"Idempotency-Key": "eb-4711"})
    again = api_a.post(URL, body(), **{"Idempotency-Key": "eb-4711"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_a_key_reused_with_another_body_is_refused_and_changes_nothing(api_a):
    api_a.post(URL, body(), **{"Idempotency-Key": "eb-4712"})
    response = api_a.post(URL, body(serial=102), **{"Idempotency-Key": "eb-4712"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_idempotency_keys_are_per_client(api_a, api_b):
    api_a.post(URL, body(), **{"Idempotency-Key": "same"})
    response = api_b.post(
        URL, body(serial=103, programme="BROMODELLEN"), **{"Idempotency-Key": "same"}
    )
    assert response.status_code == 201
    assert Case.objects.count() == 2


def test_without_the_write_scope_a_referral_is_forbidden(make_client):
    from tests.api.conftest import Api

    _client, token = make_client(scopes=["status:read"])
    response = Api(token).post(URL, body())
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
    assert not Case.objects.exists()


def test_an_overlong_or_unprintable_idempotency_key_is_a_400(api_a):
    for key in ("k" * 201, "a\tb"):
        response = api_a.post(URL, body(), **{"Idempotency-Key": key})
        assert (response.status_code, response.json()["code"]) == (400, "invalid_idempotency_key")
    assert not Case.objects.exists()


# --- The step scale's baseline (001 "Kartläggning"; 002 §2, §5), through referral_register ---


def bromo(serial=301, **overrides):
    return body(serial, programme="BROMODELLEN", income_support="EB_ANNAT") | overrides


def test_a_baseline_on_the_scale_is_stored_and_lets_the_first_insats_start(api_b):
    from casework.services import case_start_insats

    response = api_b.post(URL, bromo(baseline_step=2))
    assert response.status_code == 201, response.json()
    assert response.json()["baseline_step"] == 2
    assert response.json()["baseline_required"] is False
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.baseline_step == 2
    case_start_insats(
        case_id=case.pk, insats="kartlaggning", on=date(2026, 1, 5), by=api_b.client.user
    )


def test_without_a_baseline_the_answer_says_it_is_required_and_the_insats_is_refused(
    api_b,
):
    import pytest

    from casework.rules import CaseRuleError
    from casework.services import case_start_insats

    response = api_b.post(URL, bromo())
    assert response.status_code == 201, response.json()
    assert response.json()["baseline_step"] is None
    assert response.json()["baseline_required"] is True
    with pytest.raises(CaseRuleError, match="Utgångsläget på stegskalan"):
        case_start_insats(
            case_id=response.json()["case_id"], insats="kartlaggning", on=date(2026, 1, 5),
            by=api_b.client.user,
        )  # fmt: skip


def test_a_step_outside_the_scale_is_refused_with_its_code_and_writes_nothing(api_b):
    response = api_b.post(URL, bromo(baseline_step=99))
    assert response.status_code == 422
    assert response.json()["code"] == "baseline_out_of_range"
    assert response.json()["detail"].startswith("Steget måste vara mellan 1 och ")
    assert not Case.objects.exists()


def test_a_baseline_below_one_is_a_malformed_request(api_b):
    response = api_b.post(URL, bromo(baseline_step=0))
    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert any(r.startswith("baseline_step:") for r in response.json()["reasons"])
    assert not Case.objects.exists()


def test_a_protected_persons_open_case_is_refused_without_a_reason_and_told(api_b):
    world = build_world()  # a protected person with an open JOBBTORG case of unit A
    person = world.skyddad.participant
    Programme.objects.get(code="JOBBTORG").shared_with.add(api_b.client.unit.organisation)
    events = SecurityEvent.objects.count()

    response = api_b.post(URL, body(personnummer=person.personnummer))

    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "secrecy_review"
    assert "öppet ärende" not in response.json()["detail"]
    assert Case.objects.filter(participant=person).count() == 1
    event = SecurityEvent.objects.order_by("pk")[events:].get()
    assert event.user == api_b.client.user and "nekad aktualisering" in event.detail
