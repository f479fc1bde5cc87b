"""Session and response hardening (K3, D5, L6)."""

from __future__ import annotations

import time
from functools import partial

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from casework.selectors import roles_of

LAST_SEEN = "audit:last_seen"
STARTED = "audit:started"
# The last request is recorded at most this often: a write on every request would cost an
# UPDATE and a commit of the session row per page. The idle limit may then end a session
# up to this many seconds early, never late.
LAST_SEEN_STEP = 60


class SessionTimeoutMiddleware:
    """Log out after `SESSION_IDLE_TIMEOUT` seconds without a request (K3).

    and after `SESSION_COOKIE_AGE` seconds since the first authenticated request
    whatever the activity (absolute lifetime). `logout()` flushes the server-side session.
    The session is saved only when it changes: at the first request and once a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN, now)
            started = request.session.setdefault(STARTED, now)
            idle = now - last > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last >= LAST_SEEN_STEP or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


OTP_CHECKED = "audit:otp_checked"
# The verifying device is looked up at most this often, with the idle stamp's step.
OTP_CHECK_STEP = LAST_SEEN_STEP


class OTPSessionMiddleware(OTPMiddleware):
    """django-otp's middleware, with the verifying device read at most once a minute (L6).

    django-otp reads the device on every request, to see that it still exists, is
    confirmed and belongs to the user. The server-side session remembers when that last
    held; within OTP_CHECK_STEP seconds `user.otp_device` is that device, read only if
    something asks for more than `is_verified()`. A device the admin deletes or
    unconfirms so stops verifying open sessions within a minute instead of at once;
    logout and a new login clear it at once (a new session, or a new device id).
    """

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if not user.is_authenticated:
            return user
        device_id = request.session.get(DEVICE_ID_SESSION_KEY)
        checked = request.session.get(OTP_CHECKED)
        now = int(time.time())
        if (
            device_id
            and checked
            and checked[:2] == [device_id, user.pk]
            and 0 <= now - checked[2] < OTP_CHECK_STEP
        ):
            user.otp_device = SimpleLazyObject(partial(self._device_from_persistent_id, device_id))
            return user
        super()._verify_user_sync(request, user)
        if user.otp_device is not None:
            request.session[OTP_CHECKED] = [device_id, user.pk, now]
        else:
            request.session.pop(OTP_CHECKED, None)
        return user


# What `add_never_cache_headers` and `patch_cache_control(no_store, private)` give a
# response that has neither header yet (tests/audit/test_hardening.py compares).
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


class NoStoreMiddleware:
    """Authenticated responses are never stored by any cache (D5).

    A response without Cache-Control or Expires, nearly every one, gets both set at once:
    Django's patching parses and rebuilds the header three times, a twentieth of an API
    read's CPU. A response that has either header is patched as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            if "Cache-Control" in response or "Expires" in response:
                add_never_cache_headers(response)
                patch_cache_control(response, no_store=True, private=True)
            else:
                response["Cache-Control"] = NO_STORE
                response["Expires"] = http_date()
        return response


class OTPRequiredMiddleware:
    """In production, the roles that see personal data must have passed TOTP (L6).

    A user of such a role whose session is not OTP-verified is sent to the second-factor
    page; a user with no confirmed device is sent there too (the admin enrols devices).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.OTP_REQUIRED
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and set(settings.OTP_REQUIRED_ROLES) & (roles_of(user) | _staff_role(user))
            and request.path not in _exempt_paths()
        ):
            return redirect(f"{reverse('audit:otp_verify')}?next={request.path}")
        return self.get_response(request)


def _staff_role(user) -> set[str]:
    return {"admin"} if user.is_staff or user.is_superuser else set()


def _exempt_paths() -> set[str]:
    return {
        reverse("audit:otp_verify"),
        reverse("logout"),
        reverse("accessibility"),
        reverse("set_language"),
    }


def start_timers_at_login(sender, request, user, **kwargs) -> None:
    """The idle and absolute limits count from the login itself, not from the first page
    after it (issue 17): a session left open right after login still ends on time."""
    now = int(time.time())
    request.session[LAST_SEEN] = now
    request.session[STARTED] = now
