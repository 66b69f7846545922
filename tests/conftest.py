"""Suite-wide setup: transactional tests may flush the append-only tables; `--database-only`.

The database refuses DELETE (SQLite) and TRUNCATE (PostgreSQL) on append-only tables
(policyhub.appendonly); Django's flush between transactional tests runs inside
`flush_allowed()`, the one way to empty them, which the application never uses.

`make test` runs the whole suite on SQLite, then again on PostgreSQL with `--database-only`:
the second run keeps only the tests that reach a database — through pytest-django (the
`django_db` mark or a database fixture; pytest-django refuses every other test a connection,
so nothing else can depend on the backend) or on their own (the `own_database` mark: a server
in a subprocess). The engine, rule, screening and CLI tests give the same answer whatever the
database, and running them twice cost CI a quarter of its time limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.backends.base.operations import BaseDatabaseOperations

from policyhub.appendonly import flush_allowed

_execute_sql_flush = BaseDatabaseOperations.execute_sql_flush


def _flush(self: BaseDatabaseOperations, sql_list: Any) -> None:
    with flush_allowed(self.connection):
        _execute_sql_flush(self, sql_list)


BaseDatabaseOperations.execute_sql_flush = _flush  # type: ignore[method-assign]


_DATABASE_FIXTURES = frozenset({
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "live_server", "admin_user", "admin_client", "django_user_model",
})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-only", action="store_true",
        help="run only the tests that reach a database (make pytest-pg)",
    )


def reaches_database(item: pytest.Item) -> bool:
    """True when the test can touch a database: pytest-django lets it, or it says it opens
    one itself."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("own_database"):
        return True
    return bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-only"):
        return
    kept = [item for item in items if reaches_database(item)]
    dropped = [item for item in items if not reaches_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _site_language_after_each_test() -> Iterator[None]:
    """A test that activates English (a page in English mode, translation.activate) leaves
    the thread in English; the next test starts in the site's language again."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
