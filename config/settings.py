"""Rebound settings: one module, every value from the environment.

Defaults are for a laptop (DEBUG on, SQLite and a file-system Celery broker under
``var/``) so that a fresh clone runs with no service at all. With ``DEBUG=0`` the
production path applies: a ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required and the
HTTPS/cookie hardening that ``manage.py check --deploy`` asks for is switched on.
"""

import base64
import datetime
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.env import SettingError, env_bool, env_choice, env_int, env_list, env_rate, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise SettingError(
            "SECRET_KEY is not set. With DEBUG=0 Rebound refuses to start without one: "
            "set SECRET_KEY (or SECRET_KEY_FILE) to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise SettingError("ALLOWED_HOSTS is not set. With DEBUG=0 list the host names Rebound serves.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "tracker",
    "recovery",
    "advice",
    "notifications",
    "clinic",
    "web",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the clinic's list answers its own refresh with the rows alone.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: answers a locked-out admin login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name) or a SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'rebound.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0, maximum=86400),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker started by a test sees the test's data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # Prepared statements only where config.sql asks for them (the log PUT's, whose SQL never
    # changes); psycopg would prepare any other server-bound statement after this many runs on
    # one connection: never. (Django's default, None, refuses even those asked for.)
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["prepare_threshold"] = 2**31 - 1
    # PostgreSQL's default random_page_cost (4) prices an index probe as a spinning disk's seek;
    # on SSDs, or with the tables in memory, 1.1 is the usual figure. With 4, the sweep's
    # 1,000-row UPDATE ... FROM unnest() found its rows by hashing every row of the table, a
    # sequential scan per batch (90 ms at 100,000 workouts, growing with the table), instead of
    # 1,000 index probes (bench/sweep.py). Options given in DATABASE_URL (?options=...) come later
    # and win.
    options["options"] = f"-c random_page_cost=1.1 {options.get('options', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Seconds before a task is warned (soft) and killed (hard); the broker's visibility timeout
# follows the hard limit.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10, maximum=3600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=5, maximum=3600)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise SettingError(
        f"CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT}); "
        f"got {str(CELERY_TASK_SOFT_TIME_LIMIT)!r}."
    )

# Redis, when configured, is the Celery broker, the result store and the cache.
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    # Only the throttles use the cache, and they let requests through when it does not
    # answer (config/throttling.py): it must fail fast, never hold a request for long.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # One try: redis-py would otherwise retry a timed-out command three times.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry": Retry(NoBackoff(), 0)},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. Without REDIS_URL the broker is kombu's file-system transport: a real broker
# with a real worker process (never eager mode), needing no server. A message lost by it
# on a crash is caught up by the periodic sweep.
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Kombu's Redis transport, with a failed ack that frees its prefetch slot (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took but never acknowledged (the worker was killed) is delivered
        # again after this long: just over the longest a task may run (CELERY_TASK_TIME_LIMIT),
        # so a task still running is not handed to a second worker, and no task waits an hour.
        "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
        # Every socket operation is bounded, and a connection idle for 10 s is checked (PING)
        # before use: a stalled or restarted Redis is noticed and the connection replaced.
        "socket_connect_timeout": 2,
        "socket_timeout": 3,
        "socket_keepalive": True,
        "health_check_interval": 10,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 3
    CELERY_REDIS_SOCKET_KEEPALIVE = True
    CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
    CELERY_REDIS_RETRY_ON_TIMEOUT = True
else:
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # How long an idle worker sleeps between looks at the queue folder (kombu's default is
        # 1 s): a message waits at most this long, well inside a sweep's expiry even at the
        # 1 s interval the beat tests use.
        "polling_interval": 0.1,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A worker whose broker went away keeps trying to reconnect, for as long as it takes.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# On a lost connection, tasks in hand are cancelled: their messages go back to the queue
# (acks_late) rather than finishing unacknowledged and being run again after the timeout.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Each worker also listens on a queue of its own, so a health check can send a real task
# to that worker and wait for its answer (manage.py worker_health).
CELERY_WORKER_DIRECT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
# Every task is idempotent, which is what makes late acknowledgement safe: a task whose
# worker died is delivered again rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# How often beat runs the recovery sweep (the schedule is in config/celery.py).
RECOVERY_SWEEP_SECONDS = env_int("RECOVERY_SWEEP_SECONDS", 300, minimum=1, maximum=86400)

# Notifications: Web Push (VAPID), e-mail and the in-app feed; the delivery sweep and reminders
# (schedules in config/celery.py). VAPID keys are URL-safe base64: the public key the 65-byte
# uncompressed P-256 point browsers take, the private key its 32-byte scalar
# (`manage.py vapid_keys` prints a pair). With neither set, DEBUG=1 makes a pair in
# VAR_DIR/vapid.json on first start and DEBUG=0 turns Web Push off (the feed and e-mail go on);
# one without the other, or a malformed one, stops the process here.
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_secret("VAPID_PRIVATE_KEY")
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise SettingError("Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (`manage.py vapid_keys`), or neither.")
for _name, _bytes in (("VAPID_PUBLIC_KEY", 65), ("VAPID_PRIVATE_KEY", 32)):
    _value = globals()[_name]
    try:
        _raw = base64.b64decode(_value + "=" * (-len(_value) % 4), altchars=b"-_", validate=True)
    except ValueError:
        _raw = None
    if _value and (_raw is None or len(_raw) != _bytes or (_bytes == 65 and _raw[0] != 4)):
        raise SettingError(f"{_name} must be a URL-safe base64 VAPID key as `manage.py vapid_keys` prints it.")
VAPID_KEY_FILE = VAR_DIR / "vapid.json" if DEBUG and not VAPID_PUBLIC_KEY else None
WEB_PUSH = bool(VAPID_PUBLIC_KEY) or VAPID_KEY_FILE is not None
# Who runs this server, for push services to contact (the VAPID `sub` claim): a mailto: address
# or an https URL.
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:rebound-dev@example.com" if DEBUG else "")
if WEB_PUSH and not re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[^/\s]+\.[^/\s]+(/\S*)?", VAPID_SUBJECT):
    raise SettingError(
        "VAPID_SUBJECT must be a mailto: address or an https URL, for push services to reach you; "
        f"got {VAPID_SUBJECT!r}."
    )
# The push services a subscription may name (host names; "*.example.com" matches subdomains):
# the server posts only to https endpoints on these, so no one can make it post elsewhere.
PUSH_ENDPOINT_HOSTS = env_list(
    "PUSH_ENDPOINT_HOSTS",
    ["fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", "*.notify.windows.com"],
)
# Seconds one push may take (connect, then answer) before it counts as a transient failure.
PUSH_TIMEOUT_SECONDS = env_int("PUSH_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)
# Attempts at one delivery (a push, an e-mail) before it is recorded as failed.
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 8, minimum=1, maximum=50)
# How often beat runs the delivery sweep: held, retried and lost deliveries.
NOTIFICATIONS_SWEEP_SECONDS = env_int("NOTIFICATIONS_SWEEP_SECONDS", 60, minimum=1, maximum=3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The admin's brute-force protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords
# from one address, or for one username from any address, logins are refused for
# AXES_COOLOFF_MINUTES. Kept in the database (not the cache), so it holds with Redis down.
# The API's token endpoint has its own throttles (per address and per username).
AXES_ONLY_ADMIN_SITE = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1, maximum=1440))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False  # no banner at every start; failures and lock-outs are still logged

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# The clinic's pages sign in with Django's session login (clinic/urls.py).
LOGIN_URL = "clinic:login"
LOGIN_REDIRECT_URL = "clinic:dashboard"
LOGOUT_REDIRECT_URL = "clinic:login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The API (api.md). Deny by default; token auth for clients, session + CSRF for pages.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0, maximum=5)
THROTTLE_AUTH = env_rate("THROTTLE_AUTH", "10/min")
THROTTLE_USER = env_rate("THROTTLE_USER", "600/min")
# Token requests per username, whatever the client address: spreading a password guess
# over many IPs does not help.
THROTTLE_AUTH_USERNAME = env_rate("THROTTLE_AUTH_USERNAME", "10/min")
# Invitation codes a user may try (POST /api/v1/care-team/), right or wrong: guessing stays
# hopeless (31^8 codes, a week each), a patient mistyping one twice is not stopped.
THROTTLE_INVITATION_CODE = env_rate("THROTTLE_INVITATION_CODE", "10/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": THROTTLE_AUTH,
        "user": THROTTLE_USER,
        "auth_username": THROTTLE_AUTH_USERNAME,
        "invitation_code": THROTTLE_INVITATION_CODE,
    },
    # How many trusted proxies sit in front and append to X-Forwarded-For. 0 (the default):
    # the header is ignored and the client is the socket's peer, so nobody can pose as many
    # clients by forging it. Behind one TLS-terminating proxy, set 1.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "config.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "config.schema.ReboundAutoSchema",
    "EXCEPTION_HANDLER": "config.schema.exception_handler",
}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env_int("TOKEN_TTL_DAYS", 30, minimum=1, maximum=365)),
    "AUTO_REFRESH": True,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rebound API",
    "DESCRIPTION": "Post-workout back-pain recovery tracker: workouts, daily pain logs, triage, plans, alerts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ReasonEnum": "recovery.levels.REASON_CODES", "LevelEnum": "recovery.levels.LEVEL_CODES"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rebound <noreply@localhost>")

# Production hardening (DEBUG=0). Behind a TLS-terminating proxy that sets
# X-Forwarded-Proto; /healthz/ stays plain HTTP for container health checks.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0, maximum=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Content-Security-Policy on every response (django-csp): scripts and styles from this origin
# only, never inline, so an injected <script> or style attribute does nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],  # no page sets a <base>: an injected one does nothing
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
}
