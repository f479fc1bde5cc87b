"""Settings read from the environment; SQLite under var/ when DATABASE_URL is unset."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(exist_ok=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "programmes",
    "casework",
    "referrals",
    "audit",
    "api",
    "providers",
    "surveys",
]

MIDDLEWARE = [
    # /api/ goes through API_MIDDLEWARE instead of the rest of this list (issue 16).
    "config.api_middleware.ApiPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Only with DATABASE_REPLICA_URL: the page after a write reads the primary.
    "config.replica.PrimaryAfterWriteMiddleware",
    # django-otp's, reading the device at most once a minute instead of every request.
    "audit.middleware.OTPSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "audit.middleware.SessionTimeoutMiddleware",
    "audit.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so a lockout answers before the view (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

# The token-authenticated API's chain: no session, CSRF, OTP or login (config.api_middleware).
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api_middleware.ApiLanguage",
    "django.middleware.common.CommonMiddleware",
    "audit.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.nav_items",
            ],
            # {% load replica %}{% replica_status %}: where a report read (config.replica).
            "libraries": {"replica": "config.replica_tags"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# Reports off the primary (issue 15 item 3; README, "Reports from a replica"): with
# DATABASE_REPLICA_URL set, a PostgreSQL streaming replica is the `replica` alias. The router
# sends reads there only inside `config.replica.reads_from_replica` (the report pages, exports,
# drill-down, the auditor's access-log pages and `manage.py indicators`); every write, and
# every read inside a transaction on the primary, goes to the primary. In tests the alias
# reads the primary's test database on the replica server (physical replication copies it).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
    # A replica that does not answer soon is skipped (the report reads the primary).
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# PostgreSQL's JIT compiles only queries its planner costs high, here the indicator report's:
# at 1,000,000 participants it spent 3.2 s of the main query's 7.3 s compiling (inlining and
# optimisation), more than it saved. The pages' queries never reach its threshold.
for _alias in DATABASES.values():
    if "postgresql" in _alias["ENGINE"]:
        _alias.setdefault("OPTIONS", {})["options"] = "-c jit=off"
        # psycopg prepares a statement run this often in a connection, but only from a
        # server-binding cursor: casework.prepared's, never the ORM's (client binding).
        _alias["OPTIONS"].setdefault("prepare_threshold", 5)
# After a POST, the user's report pages read the primary for this long, so the page after a
# write shows it even while the replica is still replaying it (a signed cookie).
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# A report's independent statements run at once on this many connections of their own
# (PostgreSQL, outside a transaction; casework.indicators.fanout). 1: one after another.
REPORT_CONNECTIONS = int(os.environ.get("REPORT_CONNECTIONS", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite ignores the INCLUDE columns of the covering spell indexes (ADR 104), which
# PostgreSQL uses; `migrate` need not warn about it on every run.
SILENCED_SYSTEM_CHECKS = (
    ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
)
# django-filter's empty choice reads "---------" unless told (issue 12, item 8).
FILTERS_EMPTY_CHOICE_LABEL = _("Alla")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
ACCESSIBILITY_CONTACT = os.environ.get(
    "ACCESSIBILITY_CONTACT", "kommunens kontaktcenter, e-post tillganglighet@kommunen.se"
)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# E-mail: the console in development; production sets EMAIL_BACKEND and SMTP in the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "arendeflode@kommunen.se")
SITE_URL = os.environ.get("SITE_URL", "")  # absolute links in reminder e-mails
# Cases with no recorded event for this many days are listed as inactive (issue 5).
CASEWORK_INACTIVITY_DAYS = int(os.environ.get("CASEWORK_INACTIVITY_DAYS", "30"))

# --- Access control, audit and data protection (issue 3; docs/access-control.md) ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so throttling sees every attempt (X1)
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

# Idle timeout and absolute lifetime of a session (K3; ASVS V3.3.1–2, 5.0 V7.1.1).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(10 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Gallring after the last entry (R1). The access log is never purged by the application
# (append-only; L3 asks for at least 5 years), so it needs no retention setting.
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "5"))
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", SECRET_KEY)
# The newest sealed block's witness outside the database (audit.witness, ADR 0101, 0109): an
# append-only file the database role cannot reach; empty disables it.
AUDIT_WITNESS_PATH = os.environ.get("AUDIT_WITNESS_PATH", str(VAR_DIR / "audit-witness.log"))
AUDIT_WITNESS_EVERY = int(os.environ.get("AUDIT_WITNESS_EVERY", "100"))  # blocks
AUDIT_WITNESS_SECONDS = float(os.environ.get("AUDIT_WITNESS_SECONDS", "60"))
# Each write's commit seals the waiting entries at once (ADR 0109). Where the sealer runs
# as a service of its own (`seal_audit --loop`, every second), 0 leaves sealing to it:
# requests then do not pay for a block each, and the window stays about one second.
AUDIT_SEAL_AFTER_COMMIT = os.environ.get("AUDIT_SEAL_AFTER_COMMIT", "1") == "1"

# Two-factor (L6): roles that must have verified a TOTP device, enforced when True.
OTP_REQUIRED = os.environ.get("OTP_REQUIRED", "0") == "1"
OTP_REQUIRED_ROLES = ["coordinator", "coach", "admin", "auditor"]
OTP_TOTP_ISSUER = "Arbetsmarknadsinsatser"

# --- The API for other systems (issue 16; docs/api.md, docs/adr/0106) ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.auth.JsonNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ärendeflöde API",
    "DESCRIPTION": "Aktualiseringar in, deltagande och indikatorer ut. Se docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ExitReasonEnum": "casework.models.ExitReason"},
}
# The rate limit's counters are shared by every worker: in Redis when REDIS_URL is set,
# else one upserted row per client and minute in the database (nothing more to install).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "api": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # A Redis that stalls answers an error within a second instead of holding the
            # worker until gunicorn's 60-second timeout kills it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
