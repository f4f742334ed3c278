"""Django settings, read from the environment (``govinspect serve`` sets the first one).

GOVINSPECT_DATA          data directory: SQLite file, uploads, static files, secret key (default ./govinspect-data)
DATABASE_URL             postgres://user:password@host:5432/name to use PostgreSQL instead of SQLite
GOVINSPECT_SECRET_KEY    the signing key; default: generated once into DATA/secret_key
GOVINSPECT_ALLOWED_HOSTS comma-separated host names the server answers to (default: loopback names)
GOVINSPECT_HTTPS         1 when served behind HTTPS: secure cookies, HSTS
GOVINSPECT_SESSION_HOURS session lifetime in hours (default 8)
GOVINSPECT_DEBUG         1 for development only
GOVINSPECT_RESOLVE       HOST:PORT:ADDR,… as the CLI's --resolve, for re-checks and campaigns
GOVINSPECT_EMAIL_*       outgoing mail for reminders (see _email below); default: files in DATA/mail/
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

PLATFORM_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GOVINSPECT_DATA", "govinspect-data")).resolve()


def _secret_key() -> str:
    if os.environ.get("GOVINSPECT_SECRET_KEY"):
        return os.environ["GOVINSPECT_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database(url: str | None) -> dict[str, object]:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "govinspect.sqlite3",
            # WAL lets the web threads read while the job runner writes; IMMEDIATE avoids
            # "database is locked" on lock upgrades.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres://)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("GOVINSPECT_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("GOVINSPECT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "govinspect.platform.registry",
    "govinspect.platform.accounts",
    "govinspect.platform.orders",
    "govinspect.platform.reports",
    "govinspect.platform.letters",
    "govinspect.platform.campaigns",
    "govinspect.platform.reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govinspect.platform.audit.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "govinspect.platform.urls"
WSGI_APPLICATION = "govinspect.platform.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govinspect.platform.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = int(float(os.environ.get("GOVINSPECT_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
_HTTPS = os.environ.get("GOVINSPECT_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
LOCALE_PATHS = [PLATFORM_DIR / "locale"]  # a few overrides of Django's zh-hans strings (label colon)
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
# Serve straight from the package's static directories: nothing to collect before starting.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"

# Upload limits: request bodies, files per request, and our own per-file limit (forms check it).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 5
GOVINSPECT_MAX_UPLOAD_BYTES = int(os.environ.get("GOVINSPECT_MAX_UPLOAD_MB", "10")) * 1024 * 1024
GOVINSPECT_MAX_IMPORT_ROWS = 20000
GOVINSPECT_DEADLINES_FILE = str(DATA_DIR / "deadlines.yaml")
GOVINSPECT_RESOLVE = os.environ.get("GOVINSPECT_RESOLVE", "")
# Sites a campaign started from the platform inspects at once (per-host politeness still holds).
GOVINSPECT_CAMPAIGN_PARALLEL_SITES = int(os.environ.get("GOVINSPECT_CAMPAIGN_PARALLEL_SITES", "8"))



def _email() -> dict[str, object]:
    """Mail for reminders. Nothing is sent anywhere unless an operator configures it:
    GOVINSPECT_EMAIL_BACKEND smtp|console|file (default: smtp when GOVINSPECT_EMAIL_HOST is set,
    else file, one .log file per message in DATA/mail/), GOVINSPECT_EMAIL_HOST, _PORT (25),
    _USER, _PASSWORD, _TLS=1 (STARTTLS), _SSL=1, _FROM (the sender address)."""
    env = os.environ.get
    backend = env("GOVINSPECT_EMAIL_BACKEND") or ("smtp" if env("GOVINSPECT_EMAIL_HOST") else "file")
    backends = {"smtp": "django.core.mail.backends.smtp.EmailBackend",
                "console": "django.core.mail.backends.console.EmailBackend",
                "file": "django.core.mail.backends.filebased.EmailBackend"}
    if backend not in backends:
        raise ValueError(f"GOVINSPECT_EMAIL_BACKEND: {backend!r} is not smtp, console or file")
    return {
        "EMAIL_BACKEND": backends[backend],
        "EMAIL_FILE_PATH": str(DATA_DIR / "mail"),
        "EMAIL_HOST": env("GOVINSPECT_EMAIL_HOST", "localhost"),
        "EMAIL_PORT": int(env("GOVINSPECT_EMAIL_PORT", "25")),
        "EMAIL_HOST_USER": env("GOVINSPECT_EMAIL_USER", ""),
        "EMAIL_HOST_PASSWORD": env("GOVINSPECT_EMAIL_PASSWORD", ""),
        "EMAIL_USE_TLS": env("GOVINSPECT_EMAIL_TLS") == "1",
        "EMAIL_USE_SSL": env("GOVINSPECT_EMAIL_SSL") == "1",
        "EMAIL_TIMEOUT": 20,
        "DEFAULT_FROM_EMAIL": env("GOVINSPECT_EMAIL_FROM", "govinspect@localhost"),
    }


globals().update(_email())

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "govinspect"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"user": "2000/hour"},
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govinspect 监管平台 API",
    "DESCRIPTION": "网站、检查、问题、工单、找错、测试信件、抽查与通报；令牌认证，范围与网页相同。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a "state" with their own choices: name the campaign's explicitly.
    "ENUM_NAME_OVERRIDES": {"CampaignStateEnum": "govinspect.platform.campaigns.models.Campaign.STATES"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"govinspect.platform": {"handlers": ["console"], "level": "INFO"}},
}
