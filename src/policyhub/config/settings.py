"""PolicyHub settings. Every deployment value comes from an environment variable.

See docs/api.md ("Server setup") for the list. The defaults are safe for development on
one machine: DEBUG off, loopback host names only, SQLite under `var/`.
"""

from __future__ import annotations

import datetime as dt
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
# Production: DEBUG off and served under a real host name. Its defaults are the secure ones.
PRODUCTION = not DEBUG and not LOOPBACK_HOSTS.issuperset(ALLOWED_HOSTS)
if SECRET_KEY == DEV_SECRET_KEY and PRODUCTION:
    raise ImproperlyConfigured(
        "POLICYHUB_SECRET_KEY must be set when POLICYHUB_ALLOWED_HOSTS names a host other "
        f"than {', '.join(sorted(LOOPBACK_HOSTS))} (got {', '.join(ALLOWED_HOSTS)})"
    )
# Django's own bar (check --deploy, security.W009): 50 characters, 5 different ones.
SECRET_KEY_MIN_LENGTH = 50
if PRODUCTION and (len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        f"POLICYHUB_SECRET_KEY is too weak: {len(SECRET_KEY)} characters, "
        f"{len(set(SECRET_KEY))} different; at least {SECRET_KEY_MIN_LENGTH} characters and 5 "
        "different ones (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # login throttling (accounts/throttle.py)
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
    "policyhub.imports",
    "policyhub.plan",
    "policyhub.web",
    "policyhub.demo",  # above every app: it seeds them all (load_demo)
]

# Sessions and auth are lazy: the stateless evaluate API never touches them, so they cost it
# little (measured by `make bench`).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, compressed and with far-future caching of hashed names (before sessions).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A user's roles read once per request, not per link of the navigation (accounts/roles.py).
    "policyhub.accounts.roles.RolesMiddleware",
    # 400 for a NUL character in the path, the query or a form/JSON body (web/edges.py).
    "policyhub.web.edges.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out sign-in into the lockout page (accounts/throttle.py).
    "axes.middleware.AxesMiddleware",
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

# Sign-in: the throttle first (it refuses a locked user name), then the password check.
AUTHENTICATION_BACKENDS = [
    "policyhub.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("POLICYHUB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("POLICYHUB_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too, so that rotating user agents cannot dodge a lock on
# (address, agent) pairs; a lock on the name alone cannot be dodged that way, and behind the
# proxy every address is the proxy's (one person's typos would lock everyone out).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends when it said it would
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

# Passwords (OWASP ASVS 2.1: at least 12 characters; not common, not all digits, not the
# user's name). Applied where a password is set through Django's forms and commands.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
TIME_ZONE = "Asia/Shanghai"
# The demo clock (policyhub.clock): a fixed "today" for the whole application, or None for
# the real day in Beijing time. `make run` sets it inside the fund's budget years.
DEMO_TODAY = envdate("POLICYHUB_TODAY")
USE_TZ = True

# The documents' issuing unit (落款) and where objections to a public notice go (公示异议受理).
# Telephone, address and e-mail are the bureau's own: empty by default (nothing invented is
# printed), and a notice then names the unit, writing and the platform's objection form.
DOCUMENT_ISSUER = envstr("POLICYHUB_DOC_ISSUER", "长沙市工业和信息化局")
OBJECTION_UNIT = envstr("POLICYHUB_OBJECTION_UNIT", DOCUMENT_ISSUER)
OBJECTION_PHONE = envstr("POLICYHUB_OBJECTION_PHONE", "")
OBJECTION_ADDRESS = envstr("POLICYHUB_OBJECTION_ADDRESS", "")
OBJECTION_EMAIL = envstr("POLICYHUB_OBJECTION_EMAIL", "")

# Evidence files (佐证材料). Never served as public media: a view checks permissions first.
MEDIA_ROOT = Path(envstr("POLICYHUB_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# The audit trail (docs/design.md, "Tamper evidence"): its hash chain is an HMAC under this
# key, which must not be stored with the database; previous keys (comma-separated) stay
# configured so that the entries hashed before a rotation still verify. The anchors (the
# chain's head written outside the database by `policyhub audit anchor`) go to an
# append-only file.
DEV_AUDIT_KEY = "policyhub-development-audit-key-not-secret"
AUDIT_KEY = envstr("POLICYHUB_AUDIT_KEY", DEV_AUDIT_KEY)
AUDIT_PREVIOUS_KEYS = envlist("POLICYHUB_AUDIT_PREVIOUS_KEYS", [])
AUDIT_ANCHOR_FILE = Path(envstr("POLICYHUB_AUDIT_ANCHOR_FILE",
                                str(BASE_DIR / "var" / "audit-anchors.jsonl")))

# 申报材料 (policyhub.materials): the largest file accepted, stored under MEDIA_ROOT.
MATERIAL_MAX_BYTES = envint("POLICYHUB_MATERIAL_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

# A refused registry import's errors and rejected rows, kept an hour for paging and download
# (registry.rejected); one file per refusal, readable only by its uploader.
IMPORT_ERRORS_DIR = Path(envstr("POLICYHUB_IMPORT_ERRORS_DIR",
                                str(BASE_DIR / "var" / "import-errors")))

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# WhiteNoise serves /static/ (the API docs page needs Swagger UI and the machine may have no
# internet): STATIC_ROOT after `manage.py collectstatic`, hashed names cached for a year.
# Turn off behind a reverse proxy that serves STATIC_ROOT itself.
SERVE_STATIC = envbool("POLICYHUB_SERVE_STATIC", True)
if not SERVE_STATIC:
    MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")

# The largest request body read; larger ones get 413. Django's default is 2.5 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("POLICYHUB_MAX_BODY_BYTES", 2_621_440, minimum=1024)

# Compressed, hashed names (`manage.py collectstatic`, run by `make serve`); under DEBUG the
# plain names are used and WhiteNoise finds the files in the apps (test_settings: plain).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS (docs/security.md). On by default in production, off on a loopback or DEBUG site.
# Behind a proxy that ends TLS, POLICYHUB_SECURE_PROXY_SSL_HEADER=1 trusts its
# X-Forwarded-Proto (the proxy must set it), or the redirect never ends.
SECURE_SSL_REDIRECT = envbool("POLICYHUB_SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("POLICYHUB_SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = envint("POLICYHUB_SECURE_HSTS_SECONDS",
                             31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("POLICYHUB_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("POLICYHUB_SECURE_HSTS_PRELOAD", True)
if envbool("POLICYHUB_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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

# Imports (registry and service centres, registry.reader): the largest file and the most data
# rows read; larger is refused with a message before it is parsed.
UPLOAD_MAX_BYTES = envint("POLICYHUB_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = envint("POLICYHUB_IMPORT_MAX_ROWS", 100_000, minimum=1)
# Import jobs (policyhub.imports): uploads wait here (outside static and media) until their
# job has run; at most IMPORT_WORKERS jobs run at once (the rest wait, queued); inline runs
# them inside the request (tests, whose transaction a thread cannot see).
IMPORT_UPLOADS_DIR = Path(envstr("POLICYHUB_IMPORT_UPLOADS_DIR",
                                 str(BASE_DIR / "var" / "import-uploads")))
IMPORT_WORKERS = envint("POLICYHUB_IMPORT_WORKERS", 2, minimum=1)
IMPORT_INLINE = envbool("POLICYHUB_IMPORT_INLINE", False)
