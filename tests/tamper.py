"""Tampering as someone with write access to the database: the append-only triggers dropped
(inside the test's transaction, so they come back when it rolls back), then raw SQL."""

from __future__ import annotations

from typing import Any

from django.db import connection

from policyhub.appendonly import HEAD_TABLE, PREFIX, append_only_tables, installed_triggers


def drop_triggers() -> None:
    """What an owner of the tables can do: remove the append-only triggers."""
    found = installed_triggers(connection)
    with connection.cursor() as cur:
        for name in sorted(found):
            if connection.vendor == "postgresql":
                table = next(t for t in [*append_only_tables(), HEAD_TABLE]
                             if name.startswith(f"{PREFIX}{t}_"))
                cur.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            else:
                cur.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def raw(sql: str, *params: Any) -> int:
    """Run one statement behind the application's back; the number of rows it touched."""
    drop_triggers()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount)
