"""Issue 17, low items of the web and auth layer: each a clear refusal, not a 500."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory, unit


def test_the_idle_timer_starts_at_login_not_at_the_first_request(client, db):
    user = UserFactory(roles=["auditor"], units=[unit()])
    with time_machine.travel("2026-05-04 09:00 +02:00", tick=False) as clock:
        client.force_login(user)
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("audit:access_log"))
    assert response.status_code == 302 and "logga-in" in response["Location"]
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_a_256_character_username_is_refused_clearly(client, db):
    response = client.post(reverse("login"), {"username": "a" * 256, "password": "x"})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_non_numeric_programme_on_the_step_options_is_a_400(client, db):
    client.force_login(UserFactory(roles=["coordinator"], units=[unit()]))
    response = client.get(reverse("referrals:steps"), {"programme": "abc"})
    assert response.status_code == 400
    assert "Ogiltigt program" in response.content.decode()
