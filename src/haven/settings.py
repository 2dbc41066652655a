"""Haven's settings, read from the environment.

``HAVEN_ENV`` chooses the profile: ``production`` (the default: nothing is
assumed, secrets are required), ``demo`` (a local trial under ``var/``) or
``test`` (the test suite). Every other setting has an environment variable;
see the README's "Configuration" section.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
if (PROJECT_DIR / ".env").is_file():
    env.read_env(PROJECT_DIR / ".env")

ENVIRONMENTS = ("demo", "production", "test")
HAVEN_ENV = env.str("HAVEN_ENV", default="production")
if HAVEN_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"HAVEN_ENV must be one of {', '.join(ENVIRONMENTS)}; it is {HAVEN_ENV!r}."
    )
PRODUCTION = HAVEN_ENV == "production"
DEMO = HAVEN_ENV == "demo"
TESTING = HAVEN_ENV == "test"

VAR_DIR = Path(env.str("HAVEN_VAR_DIR", default=str(PROJECT_DIR / "var")))


def _secret_key() -> str:
    key: str | None = env.str("SECRET_KEY", default=None)
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when HAVEN_ENV=production. "
            "For a local trial set HAVEN_ENV=demo (make demo does)."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "haven.core",
    "haven.accounts",
    "haven.audit",
    "haven.rules",
    "haven.people",
    "haven.cases",
    "haven.casework",
    "haven.documents",
    "haven.issuance",
    "haven.movements",
    "haven.applicant_web",
    "haven.official_web",
    "haven.web",
    "haven.operations",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
]
# Demo accounts and applications (``haven demo``): a local trial and the tests only.
if DEMO or TESTING:
    INSTALLED_APPS.append("haven.demo")

# Background work (daily deadline and expiry checks, email) runs through
# Django's task API with the database backend: enqueued in the same
# transaction as the change, executed by `haven db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "haven.core.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "haven.accounts.middleware.StaffSessionMiddleware",
    "haven.accounts.middleware.StaffMfaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "haven.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "haven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.web.context_processors.navigation",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'haven.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    if TESTING:
        # A file, not memory: tests exercise WAL and concurrent writers as in production.
        # One per process, so test runs side by side do not share it.
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-haven-{os.getpid()}.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared across processes (TOTP replay protection, rate limits): the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "haven_cache",
    }
}

# The public JSON API (django-ninja): requests per client address to the eligibility
# endpoint, e.g. "60/min"; counted in the cache above. Behind a TLS-terminating proxy
# the client address is the last one the proxy added to X-Forwarded-For.
HAVEN_API_ELIGIBILITY_RATE = env.str("HAVEN_API_ELIGIBILITY_RATE", default="60/min")
# Lookups per client address on the public page that verifies issued documents.
HAVEN_VERIFY_RATE = env.str("HAVEN_VERIFY_RATE", default="20/min")
# Where the daily checks keep the audit chain's head, outside the database (haven.audit.heads).
HAVEN_AUDIT_HEAD_FILE = Path(
    env.str("HAVEN_AUDIT_HEAD_FILE", default=str(VAR_DIR / "audit" / "heads.jsonl"))
)
# Requests per border-control client (its token) to POST /api/v1/movements.
HAVEN_API_MOVEMENTS_RATE = env.str("HAVEN_API_MOVEMENTS_RATE", default="600/min")
# Behind a TLS-terminating proxy the client's address is the last entry the proxy added
# to X-Forwarded-For, for the API's limits as for sign-in's (haven.accounts.lockout).
HAVEN_BEHIND_PROXY = env.bool("HAVEN_BEHIND_PROXY", default=False)
NINJA_NUM_PROXIES = 1 if HAVEN_BEHIND_PROXY else 0
# How long an applicant's Idempotency-Key names the submission it was sent with; after
# that the key may be used again (and the daily checks delete it).
HAVEN_IDEMPOTENCY_KEY_HOURS = env.int("HAVEN_IDEMPOTENCY_KEY_HOURS", default=24)
if HAVEN_IDEMPOTENCY_KEY_HOURS < 1:
    raise ImproperlyConfigured(
        f"HAVEN_IDEMPOTENCY_KEY_HOURS must be at least 1; it is {HAVEN_IDEMPOTENCY_KEY_HOURS}."
    )

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if TESTING:
    # The same algorithm (Argon2id) at a lower cost, so the suite stays quick.
    PASSWORD_HASHERS = ["haven.accounts.hashers.TestArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "haven.accounts.passwords.LengthByFactorsValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "haven.accounts.passwords.ContextBlocklistValidator"},
    {"NAME": "haven.accounts.passwords.RepetitionValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "web:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Confirming who you are before a sensitive change takes the password or the second
# factor, never a code sent by email (whoever reads the mailbox is not the official).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Haven: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "haven.accounts.adapters.AccountAdapter"
# Sign-up does the same work whether the address has an account or not (see the form).
ACCOUNT_FORMS = {"signup": "haven.accounts.forms.SignupForm"}
MFA_ADAPTER = "haven.accounts.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Haven"
# A code is also taken for one 30-second step before or after the server's clock
# (RFC 6238, 5.2): a code typed as its step ends, or on a phone whose clock drifts a
# little, still works. Each code is good for one sign-in all the same.
MFA_TOTP_TOLERANCE = 1

# Lockout after repeated failures for one account from one address: the owner signing in
# from another address is not locked out. (Failures per address alone: just below.)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "haven.accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "haven.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_CLIENT_IP_CALLABLE = "haven.accounts.lockout.client_address"

# allauth's rate limits: its defaults, and failed sign-ins per client address whatever the
# accounts tried (AccountAdapter; allauth's own count per email is off, since it let five
# wrong passwords from anywhere lock the owner out too). allauth's "login_failed" still
# counts wrong second-factor codes per account, which only whoever has the password can
# type. The tests turn them on where they are the subject.
HAVEN_SIGN_IN_FAILURES_PER_ADDRESS = env.str(
    "HAVEN_SIGN_IN_FAILURES_PER_ADDRESS", default="10/m,60/h"
)
if not re.fullmatch(r"\d+/\d*[smhd](,\d+/\d*[smhd])*", HAVEN_SIGN_IN_FAILURES_PER_ADDRESS):
    raise ImproperlyConfigured(
        "HAVEN_SIGN_IN_FAILURES_PER_ADDRESS is a comma-separated list of count/period "
        f"(periods s, m, h, d: 10/m,60/h); it is {HAVEN_SIGN_IN_FAILURES_PER_ADDRESS!r}."
    )
HAVEN_ACCOUNT_RATE_LIMITS = {
    "login_failed_per_address": ",".join(
        f"{rate}/ip" for rate in HAVEN_SIGN_IN_FAILURES_PER_ADDRESS.split(",")
    ),
}
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else HAVEN_ACCOUNT_RATE_LIMITS

# Sessions: stored server-side, so logout ends them for good.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Messages ("Signed in as ...") are kept in the session, never in a cookie of their own,
# which would carry them, email address and all, in clear (signed, not encrypted).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
HAVEN_STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
HAVEN_STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=12)
HAVEN_APPLICANT_IDLE_TIMEOUT = timedelta(hours=2)
HAVEN_APPLICANT_ABSOLUTE_TIMEOUT = timedelta(hours=12)

# Security headers. Production adds HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HAVEN_BEHIND_PROXY else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Internationalisation: six languages, UTC storage, local display.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION

# Static files and uploaded media. Media lives outside the web root.
STATIC_URL = "/static/"
# Collected static files, for production; demo and test serve them from the apps.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))) if PRODUCTION else None
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Served by WhiteNoise: from the finders in demo and test, from STATIC_ROOT
# (after `haven collectstatic`) in production.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded documents (haven.documents): each file is checked by its content, never its name.
HAVEN_UPLOAD_MAX_BYTES = env.int("HAVEN_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
HAVEN_UPLOAD_MAX_PIXELS = env.int("HAVEN_UPLOAD_MAX_PIXELS", default=40_000_000)
HAVEN_UPLOAD_MAX_PDF_PAGES = env.int("HAVEN_UPLOAD_MAX_PDF_PAGES", default=20)
# Uploads above 2.5 MiB are spooled to a temporary file, not held in memory; other form
# fields together stay small. The front proxy should refuse bodies much larger than
# HAVEN_UPLOAD_MAX_BYTES (e.g. nginx client_max_body_size 12m), since Django does not.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Drafts one applicant may have open under one programme at a time (haven.casework):
# each is rows and audit events, however empty.
HAVEN_MAX_DRAFTS_PER_PROGRAMME = env.int("HAVEN_MAX_DRAFTS_PER_PROGRAMME", default=3)

# Email: the console by default; any Django backend by EMAIL_BACKEND.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.locmem.EmailBackend"
        if TESTING
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
# The address applicants reach Haven at, for links in emails and QR codes.
HAVEN_PUBLIC_URL = env.str(
    "HAVEN_PUBLIC_URL",
    default=f"https://{ALLOWED_HOSTS[0]}"
    if PRODUCTION and ALLOWED_HOSTS
    else "http://127.0.0.1:8000",
)
# The state that issues visas and permits (ISO 3166 alpha-2), printed in their
# machine-readable zones; permits name one of its regions (ISO 3166-2).
HAVEN_ISSUING_STATE = env.str("HAVEN_ISSUING_STATE", default="RU")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Haven <no-reply@haven.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logs carry request ids, never personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "haven.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The development server logs full URLs; Haven's URLs carry no personal data.
        "django.server": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
