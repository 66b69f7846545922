"""PolicyHub settings. Every deployment value comes from an environment variable.

See docs/api.md ("Server setup") for the list. The defaults are safe for development on
one machine: DEBUG off, loopback host names only, SQLite under `var/`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from policyhub.config.env import database, envbool, envchoice, envdate, envint, envlist, envstr

CONFIG_DIR = Path(__file__).resolve().parent
_CHECKOUT = CONFIG_DIR.parents[2]  # src/policyhub/config -> the repository root
_DEFAULT_HOME = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path.cwd()
BASE_DIR = Path(envstr("POLICYHUB_HOME", str(_DEFAULT_HOME))).resolve()

DEBUG = envbool("POLICYHUB_DEBUG", False)
ALLOWED_HOSTS = envlist("POLICYHUB_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# The development key is fine as long as the site answers only to loopback names; the
# moment it is served under a real host name it must have its own secret.
DEV_SECRET_KEY = "policyhub-development-key-not-secret"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "testserver"})
SECRET_KEY = envstr("POLICYHUB_SECRET_KEY", DEV_SECRET_KEY)
if SECRET_KEY == DEV_SECRET_KEY and not DEBUG and not LOOPBACK_HOSTS.issuperset(ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "POLICYHUB_SECRET_KEY must be set when POLICYHUB_ALLOWED_HOSTS names a host other "
        f"than {', '.join(sorted(LOOPBACK_HOSTS))} (got {', '.join(ALLOWED_HOSTS)})"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    # One app per domain noun.
    "policyhub.units",
    "policyhub.registry",
    "policyhub.accounts",
    "policyhub.audit",
    "policyhub.ledger",
    "policyhub.applications",
    "policyhub.materials",
    "policyhub.centres",
    "policyhub.centres.adaptation",
    "policyhub.centres.testing",
    "policyhub.centres.training",
    "policyhub.centres.emergency",
    "policyhub.centres.migration",
    "policyhub.centres.events",
    "policyhub.plan",
    "policyhub.web",
]

# Sessions and auth are lazy: the stateless evaluate API never touches them, so they cost it
# little (measured by `make bench`).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "policyhub.config.urls"
WSGI_APPLICATION = "policyhub.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [CONFIG_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": database(BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
LOCALE_PATHS = [CONFIG_DIR.parent / "locale"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
TIME_ZONE = "Asia/Shanghai"
# The demo clock (policyhub.clock): a fixed "today" for the whole application, or None for
# the real day in Beijing time. `make run` sets it inside the fund's budget years.
DEMO_TODAY = envdate("POLICYHUB_TODAY")
USE_TZ = True

# Evidence files (佐证材料). Never served as public media: a view checks permissions first.
MEDIA_ROOT = Path(envstr("POLICYHUB_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# 申报材料 (policyhub.materials): the largest file accepted, stored under MEDIA_ROOT.
MATERIAL_MAX_BYTES = envint("POLICYHUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Serve /static/ from the app directories even with DEBUG off (the API docs page needs
# Swagger UI and the machine may have no internet). Turn off behind a reverse proxy that
# serves STATIC_ROOT after `manage.py collectstatic`.
SERVE_STATIC = envbool("POLICYHUB_SERVE_STATIC", True)

# The largest request body read; larger ones get 413. Django's default is 2.5 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("POLICYHUB_MAX_BODY_BYTES", 2_621_440, minimum=1024)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = envchoice(
    "POLICYHUB_LOG_LEVEL", "WARNING", frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's default config gives "django" its own console handler; drop it so each
    # message is printed once, by the root handler.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL}},
}
