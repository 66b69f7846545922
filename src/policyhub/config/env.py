"""Typed readers of environment variables (healthchecks style).

Every setting comes from the environment. A variable that is unset or empty takes the
default; a value that cannot be read stops start-up with an error naming the variable.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})
PG_PREFIX = "POLICYHUB_PG_"
SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"


def envstr(name: str, default: str) -> str:
    return os.environ.get(name) or default


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r}: expected one of {', '.join(sorted(TRUE | FALSE))}"
    )


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number}: must be at least {minimum}")
    return number


def envchoice(name: str, default: str, choices: frozenset[str]) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name}={value!r}: expected one of {', '.join(sorted(choices))}"
        )
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks around items are dropped."""
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def envdate(name: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD), or None when unset or empty."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a date YYYY-MM-DD") from None


def database(base_dir: Path) -> dict[str, Any]:
    """`DATABASE_URL=postgres://…`, else `POLICYHUB_PG_*`, else SQLite at `POLICYHUB_DB`."""
    url = envstr("DATABASE_URL", "")
    if url:
        return postgres_from_url(url)
    if any(key.startswith(PG_PREFIX) and value for key, value in os.environ.items()):
        return postgres_from_env(os.environ)
    path = Path(envstr("POLICYHUB_DB", "var/db.sqlite3"))
    path = path if path.is_absolute() else base_dir / path
    path.parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a writer takes the lock when its transaction starts, so concurrent
    # workers wait (up to `timeout` seconds, the busy timeout) instead of failing with
    # "database is locked". WAL: readers never block the writer nor wait for it, and a commit
    # does not wait for readers to finish; synchronous=NORMAL is WAL's safe setting (a power
    # cut may lose the last commits, never corrupt the file). journal_mode is stored in the
    # file, synchronous is per connection: both are set on every new connection.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": SQLITE_PRAGMAS},
    }


def postgres_from_url(url: str) -> dict[str, Any]:
    """`postgres://USER:PASSWORD@HOST:PORT/NAME?OPTION=VALUE`, read by dj-database-url: the
    query string reaches OPTIONS (libpq's `sslmode=require`, `connect_timeout=10`, …)."""
    expected = "DATABASE_URL: expected postgres://USER:PASSWORD@HOST:PORT/NAME"
    conn_max_age = envint("POLICYHUB_DB_CONN_MAX_AGE", 60, minimum=0)
    try:
        scheme = urlsplit(url).scheme
        if scheme not in POSTGRES_SCHEMES:
            raise ImproperlyConfigured(f"{expected}, got scheme {scheme!r}")
        parsed = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except ValueError:  # dj_database_url.ParseError included
        # Not the library's message: it may quote the URL, password included.
        raise ImproperlyConfigured(
            f"{expected}: the URL cannot be read (is the port a number, are special "
            "characters in the password %-quoted?)"
        ) from None
    if not parsed.get("NAME"):
        raise ImproperlyConfigured(f"{expected}: the database NAME is missing")
    config: dict[str, Any] = dict(parsed)
    # A string like POLICYHUB_PG_PORT's, whichever way the database was configured.
    config["PORT"] = str(config.get("PORT") or "")
    return config


def postgres_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    def get(key: str, default: str = "") -> str:
        return environ.get(PG_PREFIX + key) or default

    port = get("PORT", "5432")
    if not port.isdigit():
        raise ImproperlyConfigured(f"{PG_PREFIX}PORT={port!r}: expected a port number")
    return _postgres(
        name=get("NAME", "policyhub"),
        user=get("USER", "policyhub"),
        password=get("PASSWORD"),
        host=get("HOST", "localhost"),
        port=port,
    )


def _postgres(*, name: str, user: str, password: str, host: str, port: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": user,
        "PASSWORD": password,
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": envint("POLICYHUB_DB_CONN_MAX_AGE", 60, minimum=0),
    }
