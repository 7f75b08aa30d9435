"""Development on a laptop or this machine: `make run`."""

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development-only key; production.py has no default and refuses to start without one.
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
INTERNAL_IPS = ["127.0.0.1"]
DEMO_TOOLS = env.bool("CHEHUI_DEMO_TOOLS", default=True)

# Serve static files from the apps' folders directly; production serves collected, hashed files.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
