"""Settings shared by every environment, read from the environment with django-environ.

With no DATABASE_URL / REDIS_URL the project runs on its embedded default: SQLite under var/,
Celery's filesystem broker and a file-based cache, so that it starts on a machine with no servers.
"""

from pathlib import Path

import environ

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
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
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
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

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

# ---------------------------------------------------------------------------- mail and logs
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Chehui <noreply@chehui.invalid>")
# Where links in messages to requesters point: the portal's public address.
NOTIFICATIONS_PORTAL_URL = env.str("CHEHUI_PUBLIC_URL", default="http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
