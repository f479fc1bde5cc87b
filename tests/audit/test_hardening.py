"""Hardening (K1–K3, X1–X3, G-3, D5, L6)."""

import importlib
import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import parse_http_date

from audit.checks import own_static_files
from audit.models import SecurityEvent
from tests.factories import UserFactory, unit

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rätt-lösenord-42"


def production_env(tmp_path) -> dict:
    """Dummy secrets; without variables the browser tests set for themselves."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "arbete.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }


@pytest.fixture
def production(tmp_path, monkeypatch, db):
    """The production settings module, imported with dummy environment values."""
    for key, value in production_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("config.settings.production", None)
    module = importlib.import_module("config.settings.production")
    # WhiteNoise wants an existing STATIC_ROOT; collectstatic is a deployment step.
    with override_settings(STATIC_ROOT=str(tmp_path)):
        yield module
    sys.modules.pop("config.settings.production", None)


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _collected(tmp_path, leave_out: str = "") -> Path:
    """A STATIC_ROOT with the manifest collectstatic writes, naming every static file."""
    root = tmp_path / "static-root"
    root.mkdir()
    paths = {p: p for p in own_static_files() if p != leave_out}
    (root / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    return root


def test_check_deploy_passes_under_production_settings(tmp_path):
    env = production_env(tmp_path) | {"STATIC_ROOT": str(_collected(tmp_path))}
    result = _check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_fails_clearly_when_collectstatic_was_not_run(tmp_path):
    env = production_env(tmp_path) | {"STATIC_ROOT": str(tmp_path / "never-collected")}
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "audit.E001" in result.stderr and "collectstatic" in result.stderr
    assert "STATIC_ROOT" in result.stderr


def test_check_deploy_fails_when_the_manifest_is_missing_or_stale(tmp_path):
    empty = tmp_path / "empty-root"
    empty.mkdir()
    missing = _check_deploy(production_env(tmp_path) | {"STATIC_ROOT": str(empty)})
    assert "audit.E001" in missing.stderr and "staticfiles.json" in missing.stderr
    stale_root = _collected(tmp_path, leave_out=sorted(own_static_files())[0])
    stale = _check_deploy(production_env(tmp_path) | {"STATIC_ROOT": str(stale_root)})
    assert stale.returncode != 0 and "1 statiska filer saknas" in stale.stderr


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_has_no_test_login_backdoor(production):
    """G-3: only axes and the model backend; no test middleware, hasher or DEBUG."""
    assert production.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert production.DEBUG is False
    assert production.OTP_REQUIRED is True
    assert not [m for m in production.MIDDLEWARE if "test" in m.lower() or "backdoor" in m.lower()]
    assert not hasattr(production, "PASSWORD_HASHERS") or "MD5" not in str(
        production.PASSWORD_HASHERS
    )
    source = (ROOT / "config/settings/production.py").read_text()
    assert "force_login" not in source and "settings.test" not in source


def test_security_headers_on_a_response(production, client):
    user = UserFactory(roles=["auditor"], units=[unit()])
    with override_settings(
        MIDDLEWARE=production.MIDDLEWARE,
        INSTALLED_APPS=production.INSTALLED_APPS,
        CONTENT_SECURITY_POLICY=production.CONTENT_SECURITY_POLICY,
        SECURE_HSTS_SECONDS=production.SECURE_HSTS_SECONDS,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
        SECURE_REFERRER_POLICY=production.SECURE_REFERRER_POLICY,
        SECURE_SSL_REDIRECT=True,
        X_FRAME_OPTIONS=production.X_FRAME_OPTIONS,
        SESSION_COOKIE_SECURE=True,
        OTP_REQUIRED=False,
    ):
        assert client.get("/konto/logga-in/").status_code == 301  # plain http → https
        client.force_login(user)
        response = client.get(reverse("audit:access_log"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "no-store" in response["Cache-Control"]


def test_otp_is_required_for_roles_with_personal_data(production, client):
    user = UserFactory(roles=["auditor"], units=[unit()])
    with override_settings(MIDDLEWARE=production.MIDDLEWARE, OTP_REQUIRED=True):
        client.force_login(user)
        response = client.get(reverse("audit:access_log"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("audit:otp_verify"))
        page = client.get(reverse("audit:otp_verify"))
    assert page.status_code == 200 and "autentiseringsapp" in page.content.decode()


def test_otp_verified_session_passes(production, client):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory(roles=["auditor"], units=[unit()])
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    with override_settings(MIDDLEWARE=production.MIDDLEWARE, OTP_REQUIRED=True):
        client.force_login(user)
        token = f"{totp(device.bin_key):06d}"
        response = client.post(
            reverse("audit:otp_verify") + "?next=/granskning/atkomstlogg/", {"token": token}
        )
        assert response.status_code == 302 and response["Location"] == "/granskning/atkomstlogg/"
        assert client.get(reverse("audit:access_log")).status_code == 200


@pytest.mark.parametrize("path", ["/granskning/atkomstlogg/", "/", "/admin/casework/note/"])
def test_login_is_required_everywhere(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "logga-in" in response["Location"] or "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", ["login", "accessibility"])
def test_public_pages_need_no_login(client, db, name):
    assert client.get(reverse(name)).status_code == 200


def test_login_page_says_access_is_logged(client, db):
    assert "loggas" in client.get(reverse("login")).content.decode()


def test_idle_timeout_sends_back_to_login(client, db):
    user = UserFactory(roles=["auditor"], units=[unit()])
    with time_machine.travel("2026-05-04 09:00 +02:00", tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("audit:access_log")).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("audit:access_log")).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("audit:access_log"))
    assert response.status_code == 302 and "logga-in" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_session_is_written_once_a_minute_not_on_every_request(client, db):
    user = UserFactory(roles=["auditor"], units=[unit()])
    with time_machine.travel("2026-05-04 09:00 +02:00", tick=False) as clock:
        client.force_login(user)
        client.get(reverse("audit:access_log"))
        with CaptureQueriesContext(connection) as first:
            clock.shift(timedelta(seconds=59))
            assert client.get(reverse("audit:access_log")).status_code == 200
        with CaptureQueriesContext(connection) as later:
            clock.shift(timedelta(seconds=1))
            assert client.get(reverse("audit:access_log")).status_code == 200

    def session_writes(ctx):
        return [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "django_session"')]

    assert session_writes(first) == [] and len(session_writes(later)) == 1


def test_absolute_lifetime_ends_an_active_session(client, db):
    user = UserFactory(roles=["auditor"], units=[unit()])
    with time_machine.travel("2026-05-04 07:00 +02:00", tick=False) as clock:
        client.force_login(user)
        for _ in range(settings.SESSION_COOKIE_AGE // (20 * 60)):
            assert client.get(reverse("audit:access_log")).status_code == 200
            clock.shift(timedelta(minutes=20))
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("audit:access_log")).status_code == 302


def test_logout_invalidates_the_server_side_session(client, db):
    user = UserFactory(roles=["auditor"], units=[unit()])
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert client.get(reverse("audit:access_log")).status_code == 302


def _error_text(response) -> str:
    html = response.content.decode()
    start = html.index('id="error-summary"')
    return html[start : html.index("</div>", start)]


def test_same_error_for_unknown_user_and_wrong_password(client, db):
    UserFactory(username="kalle").set_password(PASSWORD)
    wrong = client.post(reverse("login"), {"username": "kalle", "password": "fel"})
    unknown = client.post(reverse("login"), {"username": "finnsinte", "password": "fel"})
    assert wrong.status_code == unknown.status_code == 200
    assert _error_text(wrong) == _error_text(unknown)


@pytest.fixture
def axes_on(db):
    with override_settings(
        AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=15)
    ):
        yield


def test_axes_locks_out_and_cools_off(client, axes_on):
    from django.contrib.auth.models import User

    user = User.objects.create_user("lisa", password=PASSWORD)
    with time_machine.travel("2026-05-04 09:00 +02:00", tick=False) as clock:
        for _ in range(3):
            client.post(
                reverse("login"), {"username": "lisa", "password": "fel"}, REMOTE_ADDR="10.0.0.9"
            )
        locked = client.post(
            reverse("login"), {"username": "lisa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
        )
        assert locked.status_code == 429
        assert "Inloggningen är tillfälligt spärrad" in locked.content.decode()
        assert SecurityEvent.objects.filter(kind="lockout", user=user).exists()
        clock.shift(timedelta(minutes=16))
        ok = client.post(
            reverse("login"), {"username": "lisa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
        )
    assert ok.status_code == 302


def test_axes_locks_the_username_and_ip_pair_only(client, axes_on):
    from django.contrib.auth.models import User

    User.objects.create_user("per", password=PASSWORD)
    for _ in range(3):
        client.post(
            reverse("login"), {"username": "per", "password": "fel"}, REMOTE_ADDR="10.0.0.1"
        )
    other_ip = client.post(
        reverse("login"), {"username": "per", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_ip.status_code == 302


@pytest.mark.django_db
def test_no_store_sets_what_djangos_patching_would_and_keeps_a_views_own_headers(rf):
    """NoStoreMiddleware sets Cache-Control and Expires at once on a response that has
    neither: the same as add_never_cache_headers and patch_cache_control(no_store, private).
    A response with its own header is patched as before."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers, patch_cache_control

    from audit.middleware import NoStoreMiddleware

    patched = HttpResponse()
    add_never_cache_headers(patched)
    patch_cache_control(patched, no_store=True, private=True)
    request = rf.get("/")
    request.user = UserFactory()
    fast = NoStoreMiddleware(lambda r: HttpResponse())(request)
    assert fast["Cache-Control"] == patched["Cache-Control"]
    assert (
        fast["Expires"] == patched["Expires"]
        or abs(parse_http_date(fast["Expires"]) - parse_http_date(patched["Expires"])) <= 1
    )

    def own(r):
        response = HttpResponse()
        response["Cache-Control"] = "max-age=60"
        return response

    kept = NoStoreMiddleware(own)(request)
    assert "max-age=0" in kept["Cache-Control"] and "no-store" in kept["Cache-Control"]
    request.user = AnonymousUser()
    assert not NoStoreMiddleware(lambda r: HttpResponse())(request).has_header("Cache-Control")
