"""Production settings: everything secret or site-specific comes from the environment.

`python manage.py check --deploy --fail-level WARNING` passes with these (K1; tested in
tests/audit/test_hardening.py). No check is silenced. There is no test-only login path
here (G-3): authentication is axes + the model backend, plus TOTP for every role that
sees personal data (L6). See docs/adr/0103-authentication-and-idp.md for putting a
municipality's own OIDC/SAML identity provider in front instead.
"""

import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import API_MIDDLEWARE, INSTALLED_APPS, MIDDLEWARE, STATIC_ROOT


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Miljövariabeln {name} måste vara satt i produktion.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = _required("ALLOWED_HOSTS").split(",")
AUDIT_CHAIN_KEY = _required("AUDIT_CHAIN_KEY")  # separate from SECRET_KEY: never rotated
_required("DATABASE_URL")  # read by base.DATABASES; production never falls back to SQLite
ADMINS: list = []  # no error mails: they would carry request data (G4)
# Should error reports be turned on, they never carry form input or local variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "audit.reporting.PersonalDataReporterFilter"

# Transport and cookies (K2).
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
if os.environ.get("BEHIND_TLS_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

# Static files from the app server, hashed names, far-future caching.
# `collectstatic` fills STATIC_ROOT before start; `check --deploy` fails without it
# (audit.checks, audit.E001).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or STATIC_ROOT)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
_middleware = list(MIDDLEWARE)
_middleware.insert(
    _middleware.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
_middleware.insert(
    _middleware.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
    "audit.middleware.OTPRequiredMiddleware",
)
_middleware.append("csp.middleware.CSPMiddleware")
MIDDLEWARE = _middleware
API_MIDDLEWARE = [*API_MIDDLEWARE, "config.api_middleware.ApiContentSecurityPolicy"]

# Content-Security-Policy (django-csp 4): no inline script, no eval (HX2, K2).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Two factors for every role that sees personal data (L6).
OTP_REQUIRED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Request logs name paths only; paths carry ids, never personnummer (G4).
}
