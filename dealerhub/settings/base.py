"""Settings shared by every environment. Environment reads live in ``env.py``."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "dealerhub.core",
    "accounts",
    "markets",
    "dealers",
    "keyaccounts",
    "promotions",
    "sales",
    "planning",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware (translated titles), around everything that may answer an
    # API request with an HTML error page.
    "dealerhub.core.middleware.ApiErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "dealerhub.core.middleware.PrivatePagesMiddleware",
    # Axes must come last so that it sees the final authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dealerhub.urls"
WSGI_APPLICATION = "dealerhub.wsgi.application"
ASGI_APPLICATION = "dealerhub.asgi.application"

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
                "dealerhub.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database: PostgreSQL only -------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dealerhub")


def database_config(url: str) -> dict:
    """Parse DATABASE_URL; only PostgreSQL is accepted."""
    config = dj_database_url.parse(
        url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DealerHub runs on PostgreSQL only: DATABASE_URL must be postgres://"
        )
    config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): five failures for one username from one address
# lock that pair out for an hour; every failure is logged in the database.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Audit context (user, URL) is attached to writes only; reads need none.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers -----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# --- Redis and Celery -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# No result backend: no job's return value is read (jobs record their outcome on their
# own rows), so neither a request nor a worker ever waits on a result store.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only once it has finished, and re-queued if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers outlive a Redis outage of any length instead of exiting after 100 retries.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Redis hands an unacknowledged message to another worker after the visibility timeout:
# that is how the reserved tasks of a worker killed with SIGKILL come back. It must be
# longer than a task's hard time limit plus its longest retry wait (60 s), or a task
# still running would be delivered twice; longer jobs (recomputes) are protected by
# their claim and re-sent by the sweep. Checked every few seconds, not every 100.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
    # A publish to an unreachable Redis fails in about a second instead of hanging.
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_TASK_DEFAULT_QUEUE = "dealerhub"
# Fail fast when the broker is down: the job goes to the outbox (dealerhub.core.jobs)
# instead of holding the user's request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Schedules live in code (not django-celery-beat) so Django can follow its releases.
CELERY_BEAT_SCHEDULE = {
    "refresh-territory-counts": {
        "task": "markets.tasks.refresh_territory_counts",
        "schedule": crontab(hour=3, minute=0),
    },
    # Re-sends the outbox and stuck job rows (dealerhub.core.jobs.sweep); also run at
    # every worker start.
    "sweep-jobs": {
        "task": "dealerhub.core.tasks.sweep_jobs",
        "schedule": 60.0,
    },
    "purge-idempotency-keys": {
        "task": "integrations.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=17),
    },
    # Sell-in partitions exist a year ahead; summaries are re-checked against the facts.
    "sales-partitions-ahead": {
        "task": "sales.tasks.ensure_partitions",
        "schedule": crontab(hour=2, minute=10),
    },
    "sales-summaries-recheck": {
        "task": "sales.tasks.recheck_summaries",
        "schedule": crontab(hour=2, minute=40),
    },
    # Folds in what writes left in the backlog if a queued refresh was lost.
    "sales-summaries-refresh": {
        "task": "sales.tasks.refresh_summaries",
        "schedule": 300.0,
    },
}

# --- REST framework ---------------------------------------------------------------
# Request bodies Django reads into memory: a bulk batch of 1,000 records with long texts
# must fit (Django's 2.5 MB does not); larger bodies get a 413 problem without being read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: no endpoint takes uploads, and the schema then promises no form bodies.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `format` filters key accounts; only the schema view reads ?format= (json or yaml).
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PAGINATION_CLASS": "dealerhub.core.api.pagination.SyncCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dealerhub.core.api.exceptions.problem_exception_handler",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DealerHub API",
    "DESCRIPTION": _("Dealer relationship management: ERP synchronisation and integrations."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set several fields use (a stage change's from/to, a move's
    # target), and for choice sets whose field name ("status") other resources reuse.
    "ENUM_NAME_OVERRIDES": {
        "PipelineStageEnum": "dealers.choices.Stage",
        "MarketStatusEnum": "markets.choices.MarketStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dealerhub.core.api.schema.add_error_responses",
        "dealerhub.core.api.schema.tidy_query_parameters",
        "dealerhub.core.api.schema.non_blank_text",
    ],
}

# --- PDF rendering ------------------------------------------------------------------
# A CJK font file embedded in generated PDFs (empty: ask fontconfig, then Debian's Noto CJK).
PDF_CJK_FONT_PATH = env_str("PDF_CJK_FONT_PATH", "")

# --- Logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Demo data (./dev run; `manage.py seed_demo`) ------------------------------------
# Each app's `seed(*, password) -> str` steps, in order.
DEMO_SEED_STEPS = [
    "markets.demo.seed_territories",
    "accounts.demo.seed",
    "markets.demo.seed_markets",
    "dealers.demo.seed",
    "keyaccounts.demo.seed",
    "sales.demo.seed",
    "planning.demo.seed",
]
