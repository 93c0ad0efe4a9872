"""Development settings: what `./dev run` uses."""

from .base import *  # noqa: F403
from .env import env_bool, env_int

DEBUG = env_bool("DEBUG", True)

# runserver answers every request in a new thread, and a persistent connection would
# outlive its thread: a burst would leave one idle connection per request behind. One
# connection per request keeps them bounded by the requests in flight, and none can go
# stale across a PostgreSQL restart.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0)  # noqa: F405

# Serve static files straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
