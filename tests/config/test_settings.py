"""Settings from the environment: typed readers, loud failures, the database and the secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from policyhub.config.env import database, envbool, envchoice, envint, envlist, envstr

VAR = "POLICYHUB_TEST_VALUE"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("POLICYHUB_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        ("", True),
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("NO", False),
        ("off", False),
    ],
)
def test_envbool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    if value is not None:
        monkeypatch.setenv(VAR, value)
    assert envbool(VAR, True) is expected


def test_envbool_fails_loudly_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "maybe")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}='maybe'"):
        envbool(VAR, False)


def test_envint_reads_an_integer_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert envint(VAR, 4) == 4
    monkeypatch.setenv(VAR, " 8 ")
    assert envint(VAR, 4) == 8


@pytest.mark.parametrize("value", ["eight", "2.5", "1e3"])
def test_envint_fails_loudly_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(VAR, value)
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=.*integer"):
        envint(VAR, 4)


def test_envint_enforces_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "0")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=0: must be at least 1"):
        envint(VAR, 4, minimum=1)


def test_envstr_treats_empty_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    assert envstr(VAR, "dflt") == "dflt"
    monkeypatch.setenv(VAR, "")
    assert envstr(VAR, "dflt") == "dflt"
    monkeypatch.setenv(VAR, "x")
    assert envstr(VAR, "dflt") == "x"


def test_envlist_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    assert envlist(VAR, ["a"]) == ["a"]
    monkeypatch.setenv(VAR, " example.org, ,www.example.org ")
    assert envlist(VAR, ["a"]) == ["example.org", "www.example.org"]


def test_envchoice_refuses_a_value_outside_its_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    choices = frozenset({"sync", "gthread"})
    assert envchoice(VAR, "sync", choices) == "sync"
    monkeypatch.setenv(VAR, "gevent")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}='gevent': expected one of gthread"):
        envchoice(VAR, "sync", choices)


# --- the database ---------------------------------------------------------------------------


def test_it_defaults_to_sqlite_under_var(tmp_path: Path) -> None:
    config = database(tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "var" / "db.sqlite3"
    assert (tmp_path / "var").is_dir()


def test_every_sqlite_connection_is_in_wal_mode_with_normal_sync(tmp_path: Path) -> None:
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = database(tmp_path)
    config.update({"TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                   "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}})
    for _ in range(2):  # journal_mode is kept in the file; synchronous must be set each time
        wrapper = DatabaseWrapper(config)
        raw = wrapper.get_new_connection(wrapper.get_connection_params())
        try:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
            assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
        finally:
            raw.close()


def test_policyhub_db_moves_the_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POLICYHUB_DB", str(tmp_path / "elsewhere" / "x.sqlite3"))
    assert database(Path("/nonexistent"))["NAME"] == tmp_path / "elsewhere" / "x.sqlite3"


def test_it_reads_postgres_from_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://hub:p%40ss@db.internal:5433/policyhub")
    config = database(Path("/nonexistent"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("policyhub", "hub", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")


def test_database_url_query_options_reach_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    # A managed PostgreSQL that refuses plain connections: the old hand parser dropped the
    # query string, and the app connected without TLS.
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql://hub:pw@db.example.com/policyhub?sslmode=require"
    )
    monkeypatch.setenv("POLICYHUB_DB_CONN_MAX_AGE", "0")
    config = database(Path("/nonexistent"))
    assert config["OPTIONS"] == {"sslmode": "require"}
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("policyhub", "db.example.com", "")
    assert config["CONN_MAX_AGE"] == 0


def test_database_url_keeps_connections_for_a_minute_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://hub:pw@db/policyhub")
    assert database(Path("/nonexistent"))["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://u:p@h/db", "got scheme 'mysql'"),
        ("postgis://u:p@h/db", "got scheme 'postgis'"),
        ("postgres://u:p@h:5432/", "NAME is missing"),
        ("postgres://u:p@h:5432", "NAME is missing"),
        ("postgres://u:secret@h:port/db", "cannot be read"),
    ],
)
def test_a_bad_database_url_says_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=f"^DATABASE_URL: .*{says}") as caught:
        database(Path("/nonexistent"))
    assert "secret" not in str(caught.value)


def test_it_reads_postgres_from_policyhub_pg_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYHUB_PG_NAME", "hub")
    monkeypatch.setenv("POLICYHUB_PG_HOST", "/run/postgresql")
    config = database(Path("/nonexistent"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "hub",
        "policyhub",
        "/run/postgresql",
        "5432",
    )


def test_a_bad_pg_port_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYHUB_PG_PORT", "five")
    with pytest.raises(ImproperlyConfigured, match="POLICYHUB_PG_PORT='five'"):
        database(Path("/nonexistent"))


# --- the settings module as a whole, imported in a fresh process -----------------------------


def import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POLICYHUB_") and k != "DATABASE_URL"
    }
    code = "from policyhub.config import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_the_defaults_need_no_environment() -> None:
    done = import_settings()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False ['localhost', '127.0.0.1', '[::1]']"


def test_a_bad_value_stops_the_settings_naming_the_variable() -> None:
    done = import_settings(POLICYHUB_DEBUG="maybe")
    assert done.returncode != 0
    assert "ImproperlyConfigured: POLICYHUB_DEBUG='maybe'" in done.stderr


def test_a_public_host_needs_its_own_secret_key() -> None:
    done = import_settings(POLICYHUB_ALLOWED_HOSTS="policyhub.example.org")
    assert done.returncode != 0
    assert "POLICYHUB_SECRET_KEY must be set" in done.stderr
    done = import_settings(
        POLICYHUB_ALLOWED_HOSTS="policyhub.example.org", POLICYHUB_SECRET_KEY="s3cret" * 10
    )
    assert done.returncode == 0, done.stderr


def test_debug_accepts_the_development_key() -> None:
    done = import_settings(POLICYHUB_DEBUG="1", POLICYHUB_ALLOWED_HOSTS="*")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("True")
