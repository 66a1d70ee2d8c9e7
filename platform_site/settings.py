"""Settings for Breinaald, read from environment variables.

Production and development differ only by environment values; every variable is
listed in the README. A bad value stops start-up with a message that names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from core.request_log import LOG_FORMATS, logging_config
from platform_site.config import database_from_url, smtp_mailer_from_url
from platform_site.env import env_bool, env_email, env_int, env_list, env_optional, env_str
from platform_site.sentry import sentry_init
from platform_site.storage import DEFAULT_SIGNED_URL_SECONDS, s3_media_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# ---------------------------------------------------------------------------
# Django core
# ---------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)
_secret_key = env_optional("DJANGO_SECRET_KEY")
if _secret_key is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The environment variable DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    _secret_key = "insecure-development-key-only-for-debug-mode-0123456789abcdef"
elif not DEBUG and len(_secret_key) < 50:
    # Sessions, password-reset links and invitations are signed with it: a short key can
    # be guessed. `python -c "import secrets; print(secrets.token_urlsafe(50))"` makes one.
    raise ImproperlyConfigured(
        "The environment variable DJANGO_SECRET_KEY must be at least 50 characters long "
        f"when DJANGO_DEBUG is off (it has {len(_secret_key)})."
    )
SECRET_KEY = _secret_key
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "core",
    "members",
    "initiatives",
    "stamp",
    "matchmaking",
    "curation",
    # Django contrib
    "platform_site.apps.AdminConfig",  # django.contrib.admin with our site (second factor)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "taggit",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: a request id and one log line for every request, refused ones too.
    "core.request_log.RequestLogMiddleware",
    # The load balancer's and Kubernetes' probes, answered before the host check (core.health).
    "core.health.ProbeMiddleware",
    # Then: refuse an oversized body before anything reads (and spools) it.
    "core.middleware.RequestSizeLimitMiddleware",
    # A NUL in the address or a form field is a 400, never a database error (500).
    "core.middleware.NullCharacterMiddleware",
    # A GET or HEAD whose database connection was lost under it runs once more (before
    # sessions and users, which read the database).
    "core.db_retry.RetryLostConnectionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Anonymous read pages from the shared cache (core.page_cache): inside the CSP header,
    # outside the middleware that set cookies, so it never stores a page that sets one.
    "core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "platform_site.urls"
WSGI_APPLICATION = "platform_site.wsgi.application"
ASGI_APPLICATION = "platform_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "matchmaking.context_processors.notifications",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: DATABASE_URL, or a project-local embedded PostgreSQL
# ---------------------------------------------------------------------------

_database_url = env_optional("DATABASE_URL")
if _database_url is None:
    from platform_site.embedded_db import ensure_running

    _database_url = ensure_running()
DATABASES = {"default": database_from_url(_database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache: Redis when REDIS_URL is set (shared by all processes), else local memory
# ---------------------------------------------------------------------------

_redis_url = env_optional("REDIS_URL")
if _redis_url is not None:
    if not _redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL.")
    # A stopped or unreachable Redis must cost a request little: bounded connect and reply
    # times (redis-py waits forever by default), after which core.cache answers as a miss.
    _redis_timeout = env_int("REDIS_TIMEOUT_MS", 500) / 1000
    _redis_cache: dict[str, Any] = {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": _redis_url,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "breinaald"),
        "OPTIONS": {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout},
    }
    CACHES: dict[str, Any] = {
        # Pages, search corrections, badge PNGs, allauth: an outage is a miss, never a 500.
        "default": _redis_cache,
        # core.ratelimit: the same Redis and keys, but an outage raises, so that a limit
        # that cannot be counted refuses instead of letting everything through.
        "ratelimit": {**_redis_cache, "OPTIONS": {**_redis_cache["OPTIONS"], "STRICT": True}},
    }
else:
    # One store under both names (same LOCATION), like the one Redis above.
    _local_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "breinaald",
    }
    CACHES = {"default": _local_cache, "ratelimit": _local_cache}

# Serve anonymous read pages from the cache (core.page_cache). Only with a cache that every
# process shares: with a local-memory cache per gunicorn worker, a write in one worker could
# not reach another worker's copy, which would show a hidden item for minutes.
PAGE_CACHE = env_bool("PAGE_CACHE", _redis_url is not None)
# Sessions are kept in the database and, with the page cache (a cache every process
# shares), read through the cache: one Redis look-up instead of a query on every signed-in
# page, and the page cache fetches a member's page and their session in one round trip.
# Never with a cache per process: a log-out in one worker could not remove the session from
# another worker's copy.
# core.sessions: Django's cached_db with the cached copy bounded to ten minutes.
SESSION_ENGINE = "core.sessions" if PAGE_CACHE else "django.contrib.sessions.backends.db"

# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"

# ---------------------------------------------------------------------------
# Internationalisation: Dutch first, English second
# ---------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static and media files
# ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Storage: uploads on the local disk, or on an S3-compatible store (platform_site/storage.py)
# MEDIA_STORAGE_URL (or AWS_STORAGE_BUCKET_NAME and the other AWS_* variables) names a bucket:
# public uploads under public/ with a year-long cache header and plain URLs, private ones
# under private/ behind signed URLs that expire. Without it, both live on the local disk.
# Kept out of the settings' names (lower case): it holds the secret key.
_media_s3 = s3_media_from_environment()
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Private uploads on the local disk: outside MEDIA_ROOT, so no web server serves them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private-media")))
PRIVATE_MEDIA_URL_SECONDS = env_int("PRIVATE_MEDIA_URL_SECONDS", DEFAULT_SIGNED_URL_SECONDS)
if PRIVATE_MEDIA_URL_SECONDS < 1:
    raise ImproperlyConfigured("PRIVATE_MEDIA_URL_SECONDS must be 1 or more.")
if _media_s3 is None:
    MEDIA_URL = "/media/"
    SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=True)
    _media_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage: dict[str, Any] = {"BACKEND": "core.storage.PrivateFileSystemStorage"}
    _media_origins: list[str] = []
else:
    MEDIA_URL = _media_s3.media_url()
    # The store serves uploads itself; a /media/ route would serve an empty MEDIA_ROOT.
    if env_bool("DJANGO_SERVE_MEDIA", default=False):
        raise ImproperlyConfigured(
            "DJANGO_SERVE_MEDIA cannot be on while uploads live on object storage "
            "(MEDIA_STORAGE_URL or AWS_STORAGE_BUCKET_NAME): the store serves them."
        )
    SERVE_MEDIA = False
    _media_storage = _media_s3.public_storage()
    _private_storage = _media_s3.private_storage()
    _media_origins = _media_s3.origins()
STORAGES = {
    "default": _media_storage,
    # Nothing uploaded today is private; this is where anything private must go.
    "private": _private_storage,
    "staticfiles": {
        # Hashed, compressed names; in DEBUG the plain finder storage keeps edits live.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# The largest request body we accept at all (core.middleware answers 413 above it, before
# the body is read): one image (core.images caps it at 8 MB) plus the rest of its form.
# A reverse proxy in front should cap bodies at the same size (see the README).
MAX_REQUEST_BYTES = env_int("DJANGO_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
if MAX_REQUEST_BYTES < 64 * 1024:
    raise ImproperlyConfigured(
        "The environment variable DJANGO_MAX_REQUEST_BYTES must be at least 65536 "
        "(64 KB): smaller, even a plain form could not be sent."
    )
# Form fields without files: far less than an upload (Django's default, 2.5 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, MAX_REQUEST_BYTES)
# Uploaded files up to this size stay in memory; larger ones (up to MAX_REQUEST_BYTES)
# go to a temporary file, so memory per request stays bounded.
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, MAX_REQUEST_BYTES)
# No form of ours has many fields (the admin's bulk actions send one per selected row)
# or more than one file.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# ---------------------------------------------------------------------------
# Email through Django 6.1's MAILERS
# ---------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Breinaald <noreply@breinaald.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_url = env_optional("SMTP_URL")
_mail_file_dir = env_optional("MAIL_FILE_DIR")
MAILERS: dict[str, Any] = {}
if _smtp_url is not None:
    MAILERS["smtp"] = smtp_mailer_from_url(_smtp_url)
if _mail_file_dir is not None:
    MAILERS["files"] = {
        "BACKEND": "platform_site.mail.EmlFileBackend",
        "OPTIONS": {"file_path": str(BASE_DIR / _mail_file_dir)},
    }
if not MAILERS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SMTP_URL (or MAIL_FILE_DIR) so that Breinaald can send email."
        )
    MAILERS["console"] = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS["default"] = (
    next(iter(MAILERS.values()))
    if len(MAILERS) == 1
    else {"BACKEND": "platform_site.mail.FanOutBackend", "OPTIONS": {"mailers": list(MAILERS)}}
)

# ---------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------

# DJANGO_HTTPS: the site is served over HTTPS (the default in production). It turns
# on the redirect, HSTS and secure cookies together, so they cannot drift apart.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
# Both reach beyond this site (every subdomain; browsers' built-in lists, hard to leave),
# so each is the operator's explicit choice.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", default=False)
# `check --deploy` warns while either is off; off is this project's deliberate default.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies of ours stand in front of Django, each appending to
# X-Forwarded-For. core.http.client_ip reads the client's address from it for our rate
# limits and allauth's (through the account adapter); 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "The environment variable DJANGO_TRUSTED_PROXY_COUNT must be 0 or more."
    )
# Staff need a second factor (allauth MFA) before the admin opens; off in debug so that
# `make run` lets the demo admin in at once.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", default=not DEBUG)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *_media_origins],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# ---------------------------------------------------------------------------
# Third party: allauth, taggit
# ---------------------------------------------------------------------------

ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per member: changing it verifies the new one
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The name an authenticator app shows next to the code; without it allauth would use
# the host name (no django.contrib.sites here). Same variable as SITE_NAME below.
MFA_TOTP_ISSUER = env_str("SITE_NAME", "Breinaald")
TAGGIT_CASE_INSENSITIVE = True
# Background jobs (every email of the site: core.tasks.send_email, queued on commit by
# core.emails.queue_email) through Django's tasks framework, stored in PostgreSQL;
# `manage.py db_worker` runs them. No retries: a failed task stays FAILED with its error.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# ---------------------------------------------------------------------------
# Project
# ---------------------------------------------------------------------------

SITE_NAME = env_str("SITE_NAME", "Breinaald")
# The public address, for links in emails, feeds and the embeddable badge.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must start with http:// or https://.")
SITE_REGION = env_str("SITE_REGION", "")
# The editors' public contact address: in the footer and the privacy and accessibility
# statements (questions, requests to see or remove personal data, accessibility problems).
EDITORS_EMAIL = env_email("EDITORS_EMAIL", "redactie@breinaald.localhost")
# How many introductions one member may ask for in 24 hours.
MATCHMAKING_DAILY_REQUEST_LIMIT = env_int("MATCHMAKING_DAILY_REQUEST_LIMIT", 5)
# Requests to confirm that one member, and one organisation, may send to other organisations
# (naming them as partners, linking to their challenges), counted in the shared cache.
PARTNER_REQUESTS_PER_HOUR = env_int("PARTNER_REQUESTS_PER_HOUR", 10)
PARTNER_REQUESTS_PER_DAY = env_int("PARTNER_REQUESTS_PER_DAY", 30)

# Organisations: limits that hold across organisations (counted in the shared cache), so that
# nobody spreads code guesses or registrations over many organisations or accounts.
# Verification codes mailed per member, and per email domain for one organisation, in an hour
# (per email domain over all organisations: 4x, members.services.DOMAIN_CAP_FACTOR).
ORGANISATION_DOMAIN_CODES_PER_HOUR = env_int("ORGANISATION_DOMAIN_CODES_PER_HOUR", 5)
# Codes entered per member in an hour (wrong codes per email domain: 4x, as above).
ORGANISATION_DOMAIN_ATTEMPTS_PER_HOUR = env_int("ORGANISATION_DOMAIN_ATTEMPTS_PER_HOUR", 10)
# Organisations one account registers in 24 hours.
ORGANISATION_REGISTRATIONS_PER_DAY = env_int("ORGANISATION_REGISTRATIONS_PER_DAY", 3)

# The stamp: defaults for the one StampSettings row (editors change it in the admin later).
STAMP_CLAIMS_NEED_APPROVAL = env_bool("STAMP_CLAIMS_NEED_APPROVAL", default=False)
STAMP_GRACE_DAYS = env_int("STAMP_GRACE_DAYS", 30)
STAMP_REMINDER_DAYS = env_int("STAMP_REMINDER_DAYS", 7)
# Open Badges requires a public contact address for the issuer (the site).
STAMP_ISSUER_EMAIL = env_str("STAMP_ISSUER_EMAIL", "")  # empty: the address in DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Serving: logs, request ids, error reports, health probes (gunicorn reads its own
# settings in platform_site/gunicorn_conf.py)
# ---------------------------------------------------------------------------

# One line per request with its request id (core.request_log); "json" writes one JSON
# object per line for a log collector.
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(
        f"The environment variable DJANGO_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, "
        f"not {LOG_FORMAT!r}."
    )
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("DJANGO_LOG_LEVEL", "INFO"))
# Errors to Sentry when a DSN is set, without personal data (platform_site/sentry.py).
SENTRY_ENABLED = sentry_init(
    dsn=env_optional("SENTRY_DSN"),
    environment=env_str("SENTRY_ENVIRONMENT", "production"),
    release=env_optional("SENTRY_RELEASE"),
)
# /readyz fails when no task worker was seen for this many seconds (workers beat every
# 15 seconds, core/heartbeat.py); 0 leaves the worker out of readiness.
READYZ_WORKER_MAX_AGE = env_int("READYZ_WORKER_MAX_AGE", 60)
if READYZ_WORKER_MAX_AGE != 0 and READYZ_WORKER_MAX_AGE < 30:
    raise ImproperlyConfigured(
        "The environment variable READYZ_WORKER_MAX_AGE must be 0 (no worker check) or at "
        "least 30 seconds (twice the worker's heartbeat)."
    )
# Probes reach the instance over plain HTTP, without the proxy's X-Forwarded-Proto: a
# redirect to https would hide their answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
