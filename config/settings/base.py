"""Settings shared by every environment, read from the environment with django-environ.

With no DATABASE_URL / REDIS_URL the project runs on its embedded default: SQLite under var/,
Celery's filesystem broker and a file-based cache, so that it starts on a machine with no servers.
"""

from pathlib import Path

import environ

from apps.observability.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("CHEHUI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(str(BASE_DIR / ".env")) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# ---------------------------------------------------------------------------- applications
DJANGO_APPS = [
    "apps.core.apps.ChehuiAdminConfig",  # django.contrib.admin, with the site of apps.core.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.policy",
    "apps.complaints",
    "apps.tickets",
    "apps.identity",
    "apps.evidence",
    "apps.sla",
    "apps.intake",
    "apps.portal",
    "apps.casework",
    "apps.workspace",
    "apps.dashboard",
    "apps.integrations",
    "apps.outbound",
    "apps.notifications",
    "apps.conversation",
    "apps.api",
    "apps.privacy",  # PIPL: retention periods, erasure requests, personal-data exports
    "apps.backups",
    "apps.observability",  # /metrics, /health/live, /health/ready, request ids, structured logs
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
# Where sign-in codes go: the development provider writes them to the log (console).
SMS_PROVIDER = env.str("CHEHUI_SMS_PROVIDER", default="apps.accounts.sms.LogSmsProvider")
# Who checks identities at intake step 3: the development provider decides from what is posted.
IDENTITY_PROVIDER = env.str("CHEHUI_IDENTITY_PROVIDER", default="apps.identity.providers.DevelopmentProvider")
# `make bench-api` turns this on to serve its floor, POST /api/v1/_bench/floor (apps/api/apis/floor.py);
# off, that URL does not exist.
BENCH_FLOOR = env.bool("CHEHUI_BENCH_FLOOR", default=False)
# Demo tools (`manage.py demo_complaint`, the portal's "file a fresh demo complaint" button): on in
# local.py, off here and forced off in production.py. They file complaints no platform knows of.
DEMO_TOOLS = env.bool("CHEHUI_DEMO_TOOLS", default=False)

MIDDLEWARE = [
    # Observability (apps/observability, docs/observability.md): request counts and latency from
    # the outermost layer, then the request id every log line and answer carries, then one log
    # line per request (django-structlog). Prometheus's "after" half is the last entry.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "apps.observability.request_id.RequestIdMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # First: whatever the layers below answer under /api/ leaves in the API's error shape.
    "apps.core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known, before anything reads a value into a query.
    "apps.core.middleware.NulByteGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------------------- data


def database(url: str) -> dict[str, object]:
    """The `default` database for a DATABASE_URL, tuned for its engine."""
    config: dict[str, object] = dict(env.db_url_config(url))
    config["ATOMIC_REQUESTS"] = False
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded default: web, worker and beat share one file, so writers queue for the lock
        # (IMMEDIATE) instead of failing with "database is locked", and readers do not block them
        # (WAL).
        config["OPTIONS"] = {
            "timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;",
        }
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
        # Parameters travel apart from the SQL and a statement run 5 times on a connection is
        # prepared, so PostgreSQL plans it once, not at every request: planning the joins of a
        # ticket read cost more than running them. Behind a pooler in transaction mode (where
        # prepared statements do not follow the session) set DATABASE_PREPARE_THRESHOLD=0.
        threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
        config["OPTIONS"] = {
            **dict(config.get("OPTIONS") or {}),  # type: ignore[call-overload]
            "server_side_binding": True,
            "prepare_threshold": threshold or None,
        }
        if env.bool("CHEHUI_PGBOUNCER", default=False):
            # Behind PgBouncer in transaction mode each transaction may run on another server
            # connection, so nothing may outlive one: no named prepared statements and no WITH HOLD
            # cursor (QuerySet.iterator()). Client connections to PgBouncer stay open
            # (CONN_MAX_AGE): they cost PostgreSQL nothing. docs/operations.md.
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
            config["OPTIONS"]["prepare_threshold"] = None  # type: ignore[index]
    return config


DATABASES = {"default": database(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'chehui.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chehui",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Evidence never lives under a public URL: it is served only through an access-checked view.
PRIVATE_MEDIA_ROOT = Path(env.str("CHEHUI_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Evidence storage (apps.evidence.storage): the private folder above, or, when a bucket is named,
# S3-compatible object storage (private objects, no URL: still served by the checked view). Keys may
# be left empty where the machine has a role; the endpoint is for MinIO, Ceph, COS or OSS.
EVIDENCE_S3_BUCKET = env.str("CHEHUI_EVIDENCE_S3_BUCKET", default="")
EVIDENCE_STORAGE: dict[str, object] = {"BACKEND": "apps.evidence.storage.PrivateFileSystemStorage"}
if EVIDENCE_S3_BUCKET:
    EVIDENCE_STORAGE = {
        "BACKEND": "apps.evidence.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "location": env.str("CHEHUI_EVIDENCE_S3_PREFIX", default=""),
            "endpoint_url": env.str("CHEHUI_EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("CHEHUI_EVIDENCE_S3_REGION", default="") or None,
            "access_key": env.str("CHEHUI_EVIDENCE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("CHEHUI_EVIDENCE_S3_SECRET_ACCESS_KEY", default="") or None,
        },
    }

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ---------------------------------------------------------------------------- auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------- i18n and time
# Stored in UTC; shown in the service's time zone (policy data, Asia/Shanghai by default).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------- Celery
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    # Broker loss: a dead socket is noticed within seconds (socket timeouts, health checks), and a
    # publish gives up after a few short retries instead of hanging a request (docs/resilience.md).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 3600,
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 10,
        "retry_on_timeout": True,
    }
    CELERY_REDIS_SOCKET_TIMEOUT = 10
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
    CELERY_REDIS_SOCKET_KEEPALIVE = True
    CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
    CELERY_REDIS_RETRY_ON_TIMEOUT = True
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Survive a broker outage of any length: retry the connection forever (the default gives up after
# 100 tries and the worker exits), and let running tasks finish: every task is safe to run twice
# (its row decides), so a message redelivered later is a no-op, while cancelling a webhook
# mid-send would only add a duplicate request to the receiver.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CHANNEL_ERROR_RETRY = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
# A publish runs in the web request (on commit): with Redis away, fail after one more try (redis-py
# already retries each connection three times) and leave the row to the catch-up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

# ---------------------------------------------------------------------------- Celery through Redis Sentinel
# Several machines (docs/operations.md): Celery finds the current Redis master through Sentinel when
# CELERY_BROKER_URL and CELERY_RESULT_BACKEND list the sentinels ("sentinel://s1:26379/0;
# sentinel://s2:26379/0") and REDIS_SENTINEL_MASTER names the master they watch. The cache stays on
# REDIS_URL, an address that always reaches the master (HAProxy checking `role:master`): Django's
# RedisCache cannot ask Sentinel, and the API throttle uses its client directly.
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
if REDIS_URL and (REDIS_SENTINEL_MASTER or CELERY_BROKER_URL.startswith("sentinel://")):
    if not (REDIS_SENTINEL_MASTER and CELERY_BROKER_URL.startswith("sentinel://")):
        raise RuntimeError(
            "Redis Sentinel needs both REDIS_SENTINEL_MASTER and CELERY_BROKER_URL=sentinel://host:port/db;..."
        )
    _sentinel_options: dict[str, object] = {"master_name": REDIS_SENTINEL_MASTER}
    if _sentinel_password := env.str("REDIS_SENTINEL_PASSWORD", default=""):
        _sentinel_options["sentinel_kwargs"] = {"password": _sentinel_password}
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, **_sentinel_options}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = dict(_sentinel_options)

# ---------------------------------------------------------------------------- REST framework
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Keys first: a request without credentials gets 401 with WWW-Authenticate.
        "apps.integrations.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    # Bodies are JSON, nested at most a few dozen levels; the one upload sets multipart itself.
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.DepthLimitedJSONParser"],
    # Schema path parameters keep the URL's names ({pk} stays {pk}, as extend_schema declares it).
    "SCHEMA_COERCE_PATH_PK": False,
    "DEFAULT_THROTTLE_RATES": {
        "preview": env.str("CHEHUI_PREVIEW_RATE", default="120/minute"),
        "api_key": env.str("CHEHUI_API_KEY_RATE", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chehui API",
    "DESCRIPTION": "Complaint-withdrawal cases: intake, evidence, the SLA clock and decisions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from this server (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # <id:...> is a bigint; <reference:...> and <code:...> show their regex as the pattern.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
    # One name for each set of choices several fields share (a deadline's state and kind).
    "ENUM_NAME_OVERRIDES": {
        "DeadlineStateEnum": "apps.api.serializers.DEADLINE_STATES",
        "DeadlineKindEnum": "apps.api.serializers.DEADLINE_KINDS",
        "MessageKindEnum": "apps.conversation.models.MessageKind",
    },
}

# ---------------------------------------------------------------------------- personal data at rest
# Field encryption (apps/core/crypto, docs/privacy-encryption.md): Fernet keys, comma-separated; the
# first encrypts, all decrypt. CHEHUI_HASH_KEY keys the lookup hashes (phone, its last four digits);
# CHEHUI_HASH_KEY_PREVIOUS is only set while `rotate_field_keys --rehash` runs. No defaults in
# production (a system check refuses to start); DEBUG and the test settings derive them from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.list("CHEHUI_FIELD_KEYS", default=[])
FIELD_HASH_KEY = env.str("CHEHUI_HASH_KEY", default="")
FIELD_HASH_KEY_PREVIOUS = env.str("CHEHUI_HASH_KEY_PREVIOUS", default="")

# ---------------------------------------------------------------------------- mail and logs
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Chehui <noreply@chehui.invalid>")
# Where links in messages to requesters point: the portal's public address.
NOTIFICATIONS_PORTAL_URL = env.str("CHEHUI_PUBLIC_URL", default="http://localhost:8000")

# ---------------------------------------------------------------------------- observability
# Logs (apps/observability/logging.py, docs/observability.md): every line on stdout with the
# request id bound; readable columns here, one JSON object per line with CHEHUI_LOG_JSON=true
# (production.py's default). django-structlog writes request_started / request_finished.
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = logging_config(json=env.bool("CHEHUI_LOG_JSON", default=False), level=LOG_LEVEL)
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True  # RequestIdMiddleware has validated it already
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = env.bool("CHEHUI_LOG_CLIENT_IP", default=False)  # personal data
# /metrics: with a token, only `Authorization: Bearer <token>` may scrape; without, loopback only.
METRICS_TOKEN = env.str("CHEHUI_METRICS_TOKEN", default="")
