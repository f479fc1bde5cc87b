"""The second factor's device is read at most once a minute, not on every request (issue 15;
L6): the session remembers when the device last held, the binding to the user is kept,
and a device the admin removes stops verifying within the minute."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.middleware import OTP_CHECK_STEP, OTPSessionMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _request(session, user):
    request = RequestFactory().get("/arenden/")
    request.session, request.user = session, user
    OTPSessionMiddleware(lambda r: HttpResponse())(request)
    return request


def _verified(session, user) -> tuple[bool, int]:
    with CaptureQueriesContext(connection) as captured:
        verified = _request(session, user).user.is_verified()
    return verified, len(captured.captured_queries)


@pytest.fixture
def signed_in():
    user = UserFactory(roles=["coach"])
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = SessionStore()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    return user, device, session


def test_the_device_is_read_once_a_minute_not_on_every_request(signed_in):
    user, _device, session = signed_in
    with time_machine.travel(NOW, tick=False) as clock:
        assert _verified(session, user) == (True, 1)  # read, and remembered
        for _ in range(3):
            clock.shift(timedelta(seconds=15))
            assert _verified(session, user) == (True, 0)
        clock.shift(timedelta(seconds=OTP_CHECK_STEP))
        assert _verified(session, user) == (True, 1)  # read again after the minute
    assert _request(session, user).user.otp_device.name == "app"  # the device, when asked


def test_a_removed_device_stops_verifying_within_the_minute(signed_in):
    user, device, session = signed_in
    with time_machine.travel(NOW, tick=False) as clock:
        assert _verified(session, user)[0]
        device.delete()
        clock.shift(timedelta(seconds=OTP_CHECK_STEP))
        assert _verified(session, user) == (False, 1)
        assert DEVICE_ID_SESSION_KEY not in session
        clock.shift(timedelta(seconds=1))
        assert _verified(session, user) == (False, 0)  # nothing left to look up


def test_a_session_of_another_user_is_not_verified_by_the_remembered_check(signed_in):
    user, _device, session = signed_in
    with time_machine.travel(NOW, tick=False):
        assert _verified(session, user)[0]
        other = UserFactory(roles=["coach"])
        assert _verified(session, other) == (False, 1)  # the device is not the other's
