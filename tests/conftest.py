"""Suite-wide setup: transactional tests may flush the append-only tables.

The database refuses DELETE (SQLite) and TRUNCATE (PostgreSQL) on append-only tables
(policyhub.appendonly); Django's flush between transactional tests runs inside
`flush_allowed()`, the one way to empty them, which the application never uses.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.operations import BaseDatabaseOperations

from policyhub.appendonly import flush_allowed

_execute_sql_flush = BaseDatabaseOperations.execute_sql_flush


def _flush(self: BaseDatabaseOperations, sql_list: Any) -> None:
    with flush_allowed(self.connection):
        _execute_sql_flush(self, sql_list)


BaseDatabaseOperations.execute_sql_flush = _flush  # type: ignore[method-assign]
