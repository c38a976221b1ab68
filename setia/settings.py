"""Setia settings: everything a deployment changes comes from environment variables.

See docs/configuration.md for each variable. A fresh clone runs with the defaults: SQLite, jobs
run in-process, e-mail printed to the console.
"""

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from setia.lib.env import env_bool, env_choice, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a private value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "setia.core",
    "setia.jobs",
    "setia.accounts",
    "setia.history",
    "setia.customers",
    "setia.metrics",
    "setia.segments",
    "setia.tiers",
    "setia.library",
    "setia.engagement",
    # After metrics, tiers and engagement: its demo data and triggers build on theirs.
    "setia.work",
    # After tiers and work: programmes are offered by tier, action items become tasks.
    "setia.partners",
    # After partners and segments: a campaign has partners and an audience segment.
    "setia.campaigns",
    "setia.quality",
    # After engagement: a release announcement links the release complaints are counted by.
    "setia.announcements",
    # After engagement and work: surveys go out as messages, detractors start playbooks; before
    # health, whose demo scores read the demo's answers.
    "setia.surveys",
    # After work, tiers, metrics and engagement: health scores read all of them.
    "setia.health",
    # After work and health: an interview becomes a task; candidates read the health score the
    # health demo computes.
    "setia.stories",
    "setia.exports",
    "setia.imports",
    "setia.desk",
    "setia.cadence",
    "setia.api",
    "setia.webhooks",
    # After engagement and work: answers are offered in the compose box, reviews are tasks.
    "setia.knowledge",
    # Last: its demo notifications point at the other apps' demo records.
    "setia.notifications",
]

MIDDLEWARE = [
    # First, so that every log line of the request, even a redirect's, carries its id.
    "setia.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "setia.accounts.middleware.SessionLimitsMiddleware",
    "setia.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "setia.core.middleware.NoStoreMiddleware",
    "setia.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, so that it sees the authentication result of the login view.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves static files itself (compressed, cached forever by their hash); the
    # development server serves them from the apps in DEBUG. Outside NoStoreMiddleware, which
    # static files must not reach.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "setia.urls"
WSGI_APPLICATION = "setia.wsgi.application"

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
                "django.template.context_processors.i18n",
                "setia.core.context_processors.navigation",
                "setia.announcements.context_processors.banner",
            ],
        },
    },
]


# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
def database_settings(
    url: str, *, conn_max_age: int, connect_timeout: int, jit: bool = False
) -> dj_database_url.DBConfig:
    """The `DATABASES["default"]` entry for a database URL.

    PostgreSQL gets a connect timeout: without one a black-holed database host holds a web
    worker for minutes (the operating system's TCP timeout) instead of failing the request.
    SQLite keeps its own 5-second wait for a locked database (`busy_timeout`).

    PostgreSQL's JIT is off unless `jit`: it compiles the plan of every query above its cost
    threshold, which a page's search crosses at 100k customers, and spends longer compiling
    (measured: 175 ms of a 208 ms search) than the query then runs. It pays for long
    aggregates only, which the nightly jobs can turn it on for (`DATABASE_JIT`).

    PostgreSQL plans for solid-state storage (`random_page_cost` 1.1) rather than its default of
    4, which prices a spinning disk's seek: with it, the similar customers of a 360 page read
    the 600 rollups they need by key (4 ms at 100k customers) instead of hashing all 100,000
    (16 ms).
    """
    try:
        # Persistent connections: opening a PostgreSQL connection per request costs more than
        # the page itself (measured: ~340 req/s kept open against ~130 req/s with 0).
        database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
        database["CONN_MAX_AGE"] = 0
        database["TEST"] = {"NAME": None}
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["connect_timeout"] = connect_timeout
        settings = ["-c random_page_cost=1.1"]
        if not jit:
            settings.append("-c jit=off")
        options["options"] = " ".join(settings)
    return database


DATABASE_URL = env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": database_settings(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600, minimum=0),
        connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1),
        jit=env_bool("DATABASE_JIT", default=False),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# People
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "setia.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after SESSION_COOKIE_AGE seconds without a request (the idle window; activity
# extends it) and at the latest SESSION_ABSOLUTE_SECONDS after login, whatever the activity, and
# with the browser. SessionLimitsMiddleware enforces both; it saves the session at most once a
# minute to record activity, so SESSION_SAVE_EVERY_REQUEST stays off (no write per request).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60, minimum=120)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout: keyed on username and address together, so one attacker cannot lock a colleague
# out from another address, with a cool-off instead of a manual unlock. On top of that, an
# account with ACCOUNT_LOCKOUT_FAILURES failures from any addresses within
# ACCOUNT_LOCKOUT_MINUTES is locked from everywhere (setia.accounts.lockout): a slow attack
# spread over many addresses gets a few hundred guesses a day, not millions.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "setia.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_HANDLER = "setia.accounts.lockout.LockoutHandler"
ACCOUNT_LOCKOUT_FAILURES = env_int("ACCOUNT_LOCKOUT_FAILURES", 100, minimum=1)
ACCOUNT_LOCKOUT_MINUTES = env_int("ACCOUNT_LOCKOUT_MINUTES", 60, minimum=1)
# The failure log is what the account lock counts, so it keeps at least that many per user.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = max(1000, ACCOUNT_LOCKOUT_FAILURES)

# Internationalisation
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "id", ["id", "en"])
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["setia.formats"]
LANGUAGE_COOKIE_NAME = "setia_language"

# Static files, served by whitenoise in production.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Imported spreadsheets and their error files, under PRIVATE_ROOT (below).
    "private": {"BACKEND": "setia.lib.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (sales library screenshots). Django serves them only in DEBUG; in production the web
# server or a shared volume/object store behind MEDIA_URL does (docs/deploy.md).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = env_str("MEDIA_URL", default="/media/")
if not MEDIA_URL.endswith("/"):
    raise ImproperlyConfigured(f"MEDIA_URL={MEDIA_URL!r} must end with a slash.")
# Files with customer data (imported spreadsheets, their error files): never served by URL, only
# through views that check who asks. It must not overlap MEDIA_ROOT, which is public.
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", default=str(BASE_DIR / "private")))
if PRIVATE_ROOT.resolve().is_relative_to(
    MEDIA_ROOT.resolve()
) or MEDIA_ROOT.resolve().is_relative_to(PRIVATE_ROOT.resolve()):
    raise ImproperlyConfigured(
        f"PRIVATE_ROOT={str(PRIVATE_ROOT)!r} must not be inside MEDIA_ROOT or contain it: "
        "MEDIA_ROOT is served to anyone."
    )
# Imported files and their error files are deleted this many days after the upload (the
# import's record and counts stay).
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30, minimum=1)

# Jobs (setia/jobs): every job is a row in the database, written in the transaction that asks
# for it. With REDIS_URL, Celery workers run them (a job queued while Redis is down is published
# by the relay once it is back); without it, `manage.py run_jobs` polls the table (`make run`
# starts it). Never inside a request.
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://."
    )
# Run each job as its transaction commits, in the same process: for the test suite only.
JOBS_EAGER = False
JOBS_POLL_SECONDS = env_int("JOBS_POLL_SECONDS", 1, minimum=1)
# A job writes its progress at most this often (0: at every step, for tests that watch it).
JOBS_PROGRESS_SECONDS = env_int("JOBS_PROGRESS_SECONDS", 1, minimum=0)
# A running job touches its row this often; one silent for the timeout is taken for dead.
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 30, minimum=1)
JOBS_HEARTBEAT_TIMEOUT = env_int("JOBS_HEARTBEAT_TIMEOUT", 300, minimum=10)
# A queued job published this long ago and still not started is published again.
JOBS_REPUBLISH_AFTER = env_int("JOBS_REPUBLISH_AFTER", 600, minimum=60)
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 30, minimum=1)
CELERY_BROKER_URL = REDIS_URL or "memory://"
# A broker that is down must fail a publish within a second, not hold the request while kombu
# retries: the job stays in the table and the relay publishes it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # Publish the jobs the broker missed, fail those of dead workers (jobs).
    "jobs-housekeeping": {"task": "setia.jobs.tasks.housekeeping", "schedule": 60.0},
    # Messages whose server said "try again later" (engagement).
    "engagement-send-due-messages": {
        "task": "setia.engagement.tasks.send_due_messages",
        "schedule": 60.0,
    },
    # Accepted retention discounts whose months are over (engagement).
    "engagement-end-finished-discounts": {
        "task": "setia.engagement.tasks.end_finished_discounts",
        "schedule": 60.0 * 60,
    },
    # Imported files past IMPORT_FILE_RETENTION_DAYS (imports).
    "imports-delete-old-files": {
        "task": "setia.imports.tasks.delete_old_import_files",
        "schedule": crontab(hour=1, minute=30),
    },
}

# E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", default="")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Setia <setia@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain in the Message-ID of messages sent to customers (engagement).
EMAIL_MESSAGE_ID_DOMAIN = env_str("EMAIL_MESSAGE_ID_DOMAIN", default="setia.localhost")

# WhatsApp Business Cloud API (engagement); sending through it is off until the token and the
# phone number ID are set. Click-to-chat links need none of these.
WHATSAPP_API_URL = env_str("WHATSAPP_API_URL", default="https://graph.facebook.com")
WHATSAPP_API_VERSION = env_str("WHATSAPP_API_VERSION", default="v21.0")
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env_str("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env_str("WHATSAPP_VERIFY_TOKEN", default="")
WHATSAPP_TIMEOUT = env_int("WHATSAPP_TIMEOUT", 10, minimum=1)

# Retention offers (engagement): a discount above this percentage needs a manager's approval.
RETENTION_APPROVAL_THRESHOLD = env_int("RETENTION_APPROVAL_THRESHOLD", 20, minimum=0)

# Bulk sends (engagement): each channel sends at most this many bulk messages a minute, all
# bulk sends together; one bulk send reaches at most BULK_SEND_LIMIT customers. The per-channel
# settings, when above 0, replace BULK_SEND_PER_MINUTE for their channel (a provider's limit).
BULK_SEND_PER_MINUTE = env_int("BULK_SEND_PER_MINUTE", 30, minimum=1)
BULK_EMAIL_PER_MINUTE = env_int("BULK_EMAIL_PER_MINUTE", 0, minimum=0)
BULK_WHATSAPP_PER_MINUTE = env_int("BULK_WHATSAPP_PER_MINUTE", 0, minimum=0)
BULK_SEND_LIMIT = env_int("BULK_SEND_LIMIT", 5000, minimum=1)

# Request limits (setia.lib.ratelimits): per user, except the webhook's (per client address) and
# the password reset's (below). The counts live in the "ratelimit" cache: Redis when REDIS_URL
# is set (shared by every worker), otherwise each process's memory (each gunicorn worker then
# counts on its own).
RATE_LIMIT_EXPORT = env_rate("RATE_LIMIT_EXPORT", "10/m")
RATE_LIMIT_UPLOAD = env_rate("RATE_LIMIT_UPLOAD", "10/m")
RATE_LIMIT_SEARCH = env_rate("RATE_LIMIT_SEARCH", "60/m")
RATE_LIMIT_BULK_SEND = env_rate("RATE_LIMIT_BULK_SEND", "20/m")
RATE_LIMIT_WEBHOOK = env_rate("RATE_LIMIT_WEBHOOK", "600/m")
# The public survey page, per client address (no one is signed in there).
RATE_LIMIT_SURVEY = env_rate("RATE_LIMIT_SURVEY", "30/m")
# Requests per API token (per person on the signed-in session), every endpoint together.
RATE_LIMIT_API = env_rate("RATE_LIMIT_API", "600/m")
# Password-reset requests: per address typed (with or without an account) and per client address.
RATE_LIMIT_PASSWORD_RESET_ADDRESS = env_rate("RATE_LIMIT_PASSWORD_RESET_ADDRESS", "5/h")
RATE_LIMIT_PASSWORD_RESET_IP = env_rate("RATE_LIMIT_PASSWORD_RESET_IP", "20/h")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ratelimit",
            "TIMEOUT": 24 * 60 * 60,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"

# Security: strict defaults whenever DEBUG is off; HTTPS settings can be relaxed for a
# deployment behind a plain-HTTP reverse proxy on a private network.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Every line names its request (the id on the error page the user quotes) and masks phone
# numbers, e-mail mailboxes and secrets (setia/lib/logs.py). Django's own loggers write through
# the same handler instead of Django's default ones, which would skip the masking.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "setia.lib.logs.RequestIdFilter"},
        "mask": {"()": "setia.lib.logs.MaskingFilter"},
    },
    "formatters": {
        "standard": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "standard",
            "filters": ["request_id", "mask"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF (the weekly update) at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Lists
PAGE_SIZE = env_int("PAGE_SIZE", 50, minimum=5)

# The REST API (setia/api): a token or the signed-in session (with its CSRF token), the roles'
# permissions, a rate per token; JSON only (the browsable API would need its own assets).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "setia.api.rest.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["setia.api.rest.RoleAndScope"],
    "DEFAULT_THROTTLE_CLASSES": ["setia.api.rest.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # No OPTIONS descriptions: the schema describes every endpoint, and DRF's would look the
    # record up outside the access rules.
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "setia.api.errors.handle_exception",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Setia API",
    "DESCRIPTION": "Customers, their contacts, stores, subscription and timeline, segments and "
    "tiers, with the same record rules as the pages. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field named "kind"; the surveys' needs a name of its own.
    "ENUM_NAME_OVERRIDES": {"SurveyKindEnum": "setia.surveys.models.Kind"},
}

# Metrics (setia.metrics): a folder polled for metrics CSV files (empty: no inbox), and the
# bulk steps that `manage.py recompute` and the nightly job run, in order; each is a dotted
# path to `step(*, today) -> int`.
METRICS_INBOX = env_str("METRICS_INBOX", default="")
RECOMPUTE_STEPS = [
    "setia.metrics.actions.recompute_rollups",
    "setia.work.onboarding.actions.enroll_step",
    "setia.tiers.actions.assign_tiers",
    # After the rollups, the onboarding enrolment and the tiers it reads.
    "setia.health.actions.health_step",
    # The day's due survey invitations (setia/surveys), sent as jobs.
    "setia.surveys.actions.schedule_step",
    # After the health scores the churn model reads; nothing without a published model.
    "setia.health.churn.churn_step",
]
# Surveys: a contact is never asked again within this many days of the last invitation.
SURVEY_RESURVEY_DAYS = env_int("SURVEY_RESURVEY_DAYS", 90, minimum=1)
CELERY_BEAT_SCHEDULE |= {
    "metrics-recompute-nightly": {
        "task": "setia.metrics.tasks.recompute_nightly",
        "schedule": crontab(hour=2, minute=0),  # after the platform's daily export
    },
    "metrics-ingest-inbox": {"task": "setia.metrics.tasks.ingest_inbox", "schedule": 60.0},
}

# Outgoing webhooks (setia.webhooks): how often new history becomes deliveries, how long a
# receiver may take to answer, the backoff after a failure (doubling from the first wait up to
# the longest), and after how many failures in a row a webhook is switched off. Private and
# loopback addresses are allowed by default: Setia runs on premises beside the tools it
# notifies; WEBHOOKS_ALLOW_PRIVATE=0 refuses them (a server reachable from outside).
WEBHOOKS_DISPATCH_SECONDS = env_int("WEBHOOKS_DISPATCH_SECONDS", 30, minimum=5)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 5, minimum=1)
WEBHOOKS_RETRY_SECONDS = env_int("WEBHOOKS_RETRY_SECONDS", 30, minimum=1)
WEBHOOKS_RETRY_MAX_SECONDS = env_int("WEBHOOKS_RETRY_MAX_SECONDS", 3600, minimum=1)
WEBHOOKS_DISABLE_AFTER = env_int("WEBHOOKS_DISABLE_AFTER", 10, minimum=1)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=True)
# Sent and failed deliveries, with their log, are kept this many days.
WEBHOOKS_KEEP_DAYS = env_int("WEBHOOKS_KEEP_DAYS", 30, minimum=1)
CELERY_BEAT_SCHEDULE |= {
    "webhooks-dispatch": {
        "task": "setia.webhooks.tasks.dispatch",
        "schedule": float(WEBHOOKS_DISPATCH_SECONDS),
    },
    "webhooks-purge": {
        "task": "setia.webhooks.tasks.purge",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Sales library screenshots: checked by content (Pillow), not by name or browser-declared type.
# The PLAYBOOK_* names are what these variables were called before the app was the "library";
# an environment that still sets them keeps its limits.
LIBRARY_SCREENSHOT_MAX_BYTES = env_int(
    "LIBRARY_SCREENSHOT_MAX_BYTES",
    env_int("PLAYBOOK_SCREENSHOT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024),
    minimum=1024,
)
LIBRARY_SCREENSHOT_MAX_SIDE = env_int(
    "LIBRARY_SCREENSHOT_MAX_SIDE",
    env_int("PLAYBOOK_SCREENSHOT_MAX_SIDE", 4000, minimum=100),
    minimum=100,
)

# Tasks (setia.work): the address used in e-mailed links and calendar feeds, how long before a
# task's due time its owner is reminded, and how late an open task is before it goes to the
# team lead.
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")
WORK_REMINDER_MINUTES = env_int("WORK_REMINDER_MINUTES", 60, minimum=0)
WORK_ESCALATION_HOURS = env_int("WORK_ESCALATION_HOURS", 24, minimum=1)
CELERY_BEAT_SCHEDULE |= {
    "work-send-task-reminders": {"task": "setia.work.tasks.send_task_reminders", "schedule": 60.0},
    # after the nightly recompute (02:00), so triggers read fresh rollups and tiers
    "work-evaluate-triggers": {
        "task": "setia.work.tasks.evaluate_triggers",
        "schedule": crontab(hour=4, minute=0),
    },
    "work-escalate-overdue-tasks": {
        "task": "setia.work.tasks.escalate_overdue_tasks",
        "schedule": 3600.0,
    },
}
CELERY_BEAT_SCHEDULE |= {
    # Data quality (setia/quality): tonight's duplicate scan, then the day's figures for the trend.
    "quality-scan-duplicates": {
        "task": "setia.quality.tasks.scan_duplicates",
        "schedule": crontab(hour=3, minute=0),
    },
    "quality-snapshot": {
        "task": "setia.quality.tasks.snapshot_quality",
        "schedule": crontab(hour=3, minute=30),
    },
}
CELERY_BEAT_SCHEDULE |= {
    # The API (setia/api): answers of POSTs sent with an idempotency key, kept a day.
    "api-delete-old-idempotency-keys": {
        "task": "setia.api.tasks.delete_old_idempotency_keys",
        "schedule": 3600.0,
    },
}
CELERY_BEAT_SCHEDULE |= {
    # Agreed answers (setia/knowledge): a task for each owner whose answer's review is due.
    "knowledge-create-review-tasks": {
        "task": "setia.knowledge.tasks.create_review_tasks",
        "schedule": crontab(hour=6, minute=0),
    },
}
CELERY_BEAT_SCHEDULE |= {
    # Announcements (setia/announcements): a reminder to whoever has not acknowledged one once
    # it is as old as it says, once a day, in the morning in TIME_ZONE (Asia/Jakarta).
    "announcements-send-reminders": {
        "task": "setia.announcements.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}
CELERY_BEAT_SCHEDULE |= {
    # The weekly update (setia/cadence): each team's PDF of the week just ended, Monday morning
    # in TIME_ZONE (Asia/Jakarta); once per week and team, so a second run sends nothing.
    "cadence-send-weekly-updates": {
        "task": "setia.cadence.tasks.send_weekly_updates",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # The targets' daily rollup: the recent weeks every ten minutes, a year after the metrics'
    # nightly recompute. Events recorded since a build are counted live.
    "cadence-roll-up-recent-kpis": {
        "task": "setia.cadence.tasks.roll_up_recent_kpis",
        "schedule": 600.0,
    },
    "cadence-roll-up-kpis": {
        "task": "setia.cadence.tasks.roll_up_kpis",
        "schedule": crontab(hour=2, minute=30),
    },
}
CELERY_BEAT_SCHEDULE |= {
    # Notifications (setia/notifications): the morning's "due today" reminders (work), the
    # e-mails wanted at once (within a minute), then each person's daily digest.
    "work-notify-tasks-due-today": {
        "task": "setia.work.tasks.notify_tasks_due_today",
        "schedule": crontab(hour=6, minute=30),
    },
    "notifications-send-immediate": {
        "task": "setia.notifications.tasks.send_immediate",
        "schedule": 60.0,
    },
    "notifications-send-digests": {
        "task": "setia.notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}
# Data quality (setia/quality): which checks make a customer complete (keys of
# setia.quality.completeness.CHECKS), when a record is stale, how alike two names must be (0-100)
# to be flagged as a possible duplicate.
QUALITY_COMPLETENESS_FIELDS = env_list(
    "QUALITY_COMPLETENESS_FIELDS",
    ["category", "city", "province", "contact_phone", "email", "store", "subscription"],
)
QUALITY_STALE_DAYS = env_int("QUALITY_STALE_DAYS", 90, minimum=1)
QUALITY_NAME_SIMILARITY = env_int("QUALITY_NAME_SIMILARITY", 90, minimum=50)
