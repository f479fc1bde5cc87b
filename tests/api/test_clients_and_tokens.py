from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from api import services
from api.models import ApiClient, ApiToken
from casework.models import Transition
from casework.rules import CaseRuleError
from tests.api.conftest import Api
from tests.api.test_referrals_api import URL, body

EVENTS = "/api/v1/events"


def test_no_token_is_a_401_with_a_bearer_challenge(db):
    response = Api("x").http.get(EVENTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthenticated"


def test_an_unknown_token_is_a_401(api_a):
    response = Api("amk_000000000000_wrong").get(EVENTS)
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_a_token_is_stored_only_as_its_digest(api_a):
    token = ApiToken.objects.get(client=api_a.client)
    raw = api_a.headers["Authorization"].split()[1]
    assert raw not in token.digest and token.digest == services.digest(raw)


def test_an_expired_client_is_a_401(make_client):
    _client, token = make_client(expires_at=timezone.now() - timedelta(seconds=1))
    response = Api(token).get(EVENTS)
    assert response.status_code == 401
    assert "gått ut" in response.json()["detail"]


def test_a_revoked_token_is_a_401_and_its_journal_rows_stay(api_a):
    created = api_a.post(URL, body())
    assert created.status_code == 201
    services.token_revoke(token=ApiToken.objects.get(client=api_a.client))
    assert api_a.get(EVENTS).status_code == 401
    row = Transition.objects.get(case_id=created.json()["case_id"])
    assert row.actor == api_a.client.user
    assert "Försörjningsstöd" in row.actor_label


def test_rotation_keeps_two_live_tokens_until_the_old_one_is_revoked(api_a):
    new = services.token_issue(client=api_a.client)
    assert Api(new).get(EVENTS).status_code == 200
    assert api_a.get(EVENTS).status_code == 200
    with pytest.raises(CaseRuleError):
        services.token_issue(client=api_a.client)
    old = ApiToken.objects.filter(client=api_a.client).order_by("created_at", "pk").first()
    services.token_revoke(token=old)
    assert api_a.get(EVENTS).status_code == 401
    assert Api(new).get(EVENTS).status_code == 200


def test_the_service_user_cannot_log_in_to_the_web(api_a):
    user = User.objects.get(pk=api_a.client.user_id)
    assert not user.has_usable_password()


def test_unknown_scopes_are_refused(db):
    from tests.factories import unit

    client = ApiClient(name="x", unit=unit(), scopes=["admin:all"], expires_at=timezone.now())
    with pytest.raises(CaseRuleError):
        services.client_save(client=client)


def test_dropping_the_write_scope_takes_the_permission_away(api_a):
    api_a.client.scopes = ["status:read"]
    services.client_save(client=api_a.client)
    user = User.objects.get(pk=api_a.client.user_id)
    assert not user.has_perm("casework.decide_referral")


# Ten seconds into a one-minute window, frozen, so the window cannot roll over mid-test.
IN_A_WINDOW = time_machine.travel(datetime(2026, 12, 1, 12, 0, 10, tzinfo=UTC), tick=False)


@IN_A_WINDOW
def test_requests_over_the_clients_limit_get_429_with_retry_after(make_client):
    _client, token = make_client(requests_per_minute=3)
    api = Api(token)
    assert [api.get(EVENTS).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get(EVENTS)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert refused["Retry-After"] == "50"


@IN_A_WINDOW
def test_the_limit_is_per_client(make_client):
    _a, token_a = make_client(name="a", requests_per_minute=1)
    _b, token_b = make_client(name="b", requests_per_minute=1)
    assert Api(token_a).get(EVENTS).status_code == 200
    assert Api(token_a).get(EVENTS).status_code == 429
    assert Api(token_b).get(EVENTS).status_code == 200


def test_an_admin_creates_a_client_and_sees_a_new_token_once(admin_client):
    from tests.factories import unit

    response = admin_client.post(
        "/admin/api/apiclient/add/",
        {
            "name": "Procapita EB",
            "unit": unit().pk,
            "scopes": ["referrals:write", "status:read"],
            "expires_at_0": "2027-12-31",
            "expires_at_1": "00:00:00",
            "requests_per_minute": 600,
            "tokens-TOTAL_FORMS": 0,
            "tokens-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content
    client = ApiClient.objects.get(name="Procapita EB")
    assert client.user.has_perm("casework.decide_referral")
    shown = admin_client.post(
        "/admin/api/apiclient/",
        {"action": "issue_token", "_selected_action": [client.pk]},
    )
    raw = shown.content.decode().split("<code>")[1].split("</code>")[0]
    assert Api(raw).get(EVENTS).status_code == 200
    again = admin_client.get(f"/admin/api/apiclient/{client.pk}/change/")
    assert raw not in again.content.decode()


def test_the_database_counter_keeps_only_the_current_minute(make_client):
    from api.models import RateWindow

    _client, token = make_client(name="c", requests_per_minute=5)
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, 10, tzinfo=UTC), tick=False):
        for _ in range(2):
            Api(token).get(EVENTS)
    with time_machine.travel(datetime(2026, 12, 1, 12, 1, 5, tzinfo=UTC), tick=False):
        assert Api(token).get(EVENTS).status_code == 200
    assert list(RateWindow.objects.values_list("count", flat=True)) == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's unlogged tables")
@pytest.mark.django_db
def test_the_database_counter_writes_no_wal_on_postgresql():
    """A window lives a minute: a crash may empty it (ADR 0106), every request's upsert
    need not wait for a WAL flush."""
    from api.models import RateWindow

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE oid = %s::regclass",
            [RateWindow._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)


def _redis_or_skip() -> str:
    import redis

    location = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1, socket_timeout=1).ping()
    except (redis.ConnectionError, redis.TimeoutError):
        pytest.skip("no Redis on 127.0.0.1:6379 (CI has one)")
    return location


@IN_A_WINDOW
def test_with_redis_the_limit_is_counted_there_and_not_in_the_database(make_client):
    from uuid import uuid4

    from django.test import override_settings

    from api.models import RateWindow

    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_or_skip(),
        "KEY_PREFIX": f"test-{uuid4().hex}",  # each run its own counters
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    _client, token = make_client(name="r", requests_per_minute=2)
    with override_settings(CACHES={"default": local, "api": redis_cache}):
        assert [Api(token).get(EVENTS).status_code for _ in range(3)] == [200, 200, 429]
    assert not RateWindow.objects.exists()
