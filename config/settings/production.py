"""Production: every secret comes from the environment, with no default."""

from apps.observability.logging import logging_config
from config.settings.base import *  # noqa: F403
from config.settings.base import LOG_LEVEL, REDIS_URL, database, env

DEBUG = False
DEMO_TOOLS = False  # never: whatever the environment says
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": database(env.str("DATABASE_URL"))}
if not REDIS_URL:
    raise RuntimeError("REDIS_URL is required in production (Celery broker and cache).")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus talk plain HTTP to the process itself, behind the proxy: no redirect for them.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^healthz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# No default: the development provider writes sign-in codes to the log, which must be a choice.
SMS_PROVIDER = env.str("CHEHUI_SMS_PROVIDER")
# No default either: the development identity provider passes whoever says "pass".
IDENTITY_PROVIDER = env.str("CHEHUI_IDENTITY_PROVIDER")
# No default: an e-mail linking to localhost would send requesters nowhere.
NOTIFICATIONS_PORTAL_URL = env.str("CHEHUI_PUBLIC_URL")
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# One JSON object per log line on stdout, for the log collector (CHEHUI_LOG_JSON=false: columns).
LOGGING = logging_config(json=env.bool("CHEHUI_LOG_JSON", default=True), level=LOG_LEVEL)
