"""Suite-wide setup: transactional tests may flush the append-only tables.

The database refuses DELETE (SQLite) and TRUNCATE (PostgreSQL) on append-only tables
(policyhub.appendonly); Django's flush between transactional tests runs inside
`flush_allowed()`, the one way to empty them, which the application never uses.
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


@pytest.fixture(autouse=True)
def _site_language_after_each_test() -> Iterator[None]:
    """A test that activates English (a page in English mode, translation.activate) leaves
    the thread in English; the next test starts in the site's language again."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
