"""Append-only rows: history (audit trail, ledger, workflow) is never rewritten.

Corrections are new rows (a reversing entry, a new transition). Two guards hold it:

- the ORM: saving an existing row (also a new instance given an existing pk), `update()`,
  `bulk_update()`, `delete()`, `_raw_delete()` and an upsert (`bulk_create(update_conflicts=
  True)`) on `objects` raise AppendOnlyError;
- the database: triggers refuse UPDATE and DELETE on every append-only table (PostgreSQL and
  SQLite alike), so raw SQL and code that goes around the ORM are refused too; the audit
  chain's head row may only move forward, to an entry that exists.

The triggers are (re)installed after every `migrate` (the post_migrate signal, see
`install_triggers`), not by a migration: SQLite rebuilds a table to alter it and drops its
triggers with the old table, so a one-off migration would silently lose them on the next
schema change. `missing_triggers()` reports any that are absent (`policyhub audit verify`).

Flushing a database (`manage.py flush`, and the test suite between transactional tests)
empties these tables. On SQLite Django flushes with DELETE, which the triggers refuse unless
the deletion runs inside `flush_allowed()` (the test suite wraps its flushes in it, and
`load_demo --reset` its reset of a demo database); on
PostgreSQL flush uses TRUNCATE, which row triggers do not see, so a statement trigger refuses
TRUNCATE outside `flush_allowed()` as well. Someone holding the database owner's rights can
still drop a trigger: the keyed, anchored audit chain and `ledger_check` find what they then
change (docs/design.md, "Tamper evidence").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

_M = TypeVar("_M", bound=models.Model)

PREFIX = "policyhub_appendonly_"
FLUSH_SETTING = "policyhub.flush"  # PostgreSQL: set (locally) while flush_allowed() runs
_flushing = False  # SQLite: read by the policyhub_flushing() SQL function


class AppendOnlyError(RuntimeError):
    pass


def _refuse(model: type[models.Model]) -> AppendOnlyError:
    return AppendOnlyError(f"{model._meta.label} rows are append-only")


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Bulk update and delete are refused; rows are only ever inserted."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model)

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise _refuse(self.model)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise _refuse(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model)

    def _raw_delete(self, using: Any) -> int:
        raise _refuse(self.model)

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        if kwargs.get("update_conflicts"):
            raise _refuse(self.model)
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyModel(models.Model):
    """A row written once. Subclasses declare `objects` from AppendOnlyQuerySet.

    `_base_manager` is Django's plain manager (making it append-only would add a manager to
    every subclass's migrations): its update() and delete() reach the database, whose
    triggers refuse them."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("update_fields") is not None:
            raise _refuse(type(self))
        # Always INSERT: a new instance given an existing pk must not become an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self))


# --- the database's guard ------------------------------------------------------------------


def append_only_tables() -> list[str]:
    """The tables of every installed append-only model (concrete ones)."""
    from django.apps import apps

    return sorted(m._meta.db_table for m in apps.get_models()
                  if issubclass(m, AppendOnlyModel) and not m._meta.proxy)


def _names(table: str) -> dict[str, str]:
    return {op: f"{PREFIX}{table}_{op}" for op in ("update", "delete", "truncate")}


def _message(table: str) -> str:
    return f"{table} is append-only: corrections are new rows"


def _sqlite_sql(table: str) -> list[str]:
    names, message = _names(table), _message(table)
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{names["update"]}" BEFORE UPDATE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f'CREATE TRIGGER IF NOT EXISTS "{names["delete"]}" BEFORE DELETE ON "{table}" '
        f"WHEN policyhub_flushing() = 0 BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION policyhub_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('{FLUSH_SETTING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: corrections are new rows (% refused)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql
"""


def _pg_sql(table: str) -> list[str]:
    names = _names(table)
    return [
        f'DROP TRIGGER IF EXISTS "{names["update"]}" ON "{table}"',
        f'CREATE TRIGGER "{names["update"]}" BEFORE UPDATE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION policyhub_append_only()",
        f'DROP TRIGGER IF EXISTS "{names["delete"]}" ON "{table}"',
        f'CREATE TRIGGER "{names["delete"]}" BEFORE DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION policyhub_append_only()",
        f'DROP TRIGGER IF EXISTS "{names["truncate"]}" ON "{table}"',
        f'CREATE TRIGGER "{names["truncate"]}" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION policyhub_append_only()",
    ]


# The audit chain's head row (audit.AuditHead) is updated on every append, but only forward:
# to a later entry that exists with that hash. Never deleted, never moved back.
HEAD_TABLE = "audit_audithead"
_HEAD_MOVES_FORWARD = ("NEW.seq > OLD.seq AND EXISTS (SELECT 1 FROM audit_auditentry "
                       "WHERE seq = NEW.seq AND hash = NEW.hash)")
_HEAD_MESSAGE = "the audit head only moves forward to an entry that exists"


def _sqlite_head_sql() -> list[str]:
    names = _names(HEAD_TABLE)
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{names["update"]}" BEFORE UPDATE ON "{HEAD_TABLE}" '
        f"WHEN NOT ({_HEAD_MOVES_FORWARD}) BEGIN SELECT RAISE(ABORT, '{_HEAD_MESSAGE}'); END",
        f'CREATE TRIGGER IF NOT EXISTS "{names["delete"]}" BEFORE DELETE ON "{HEAD_TABLE}" '
        f"WHEN policyhub_flushing() = 0 BEGIN SELECT RAISE(ABORT, '{_HEAD_MESSAGE}'); END",
    ]


_PG_HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION policyhub_audit_head() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {_HEAD_MOVES_FORWARD} THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('{FLUSH_SETTING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{_HEAD_MESSAGE} (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql
"""


def _pg_head_sql() -> list[str]:
    return [_PG_HEAD_FUNCTION, *(sql.replace("policyhub_append_only()", "policyhub_audit_head()")
                                 for sql in _pg_sql(HEAD_TABLE))]


def _guarded_tables() -> list[str]:
    return [*append_only_tables(), HEAD_TABLE]


def expected_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    ops = ("update", "delete", "truncate") if connection.vendor == "postgresql" \
        else ("update", "delete")
    return {_names(t)[op] for t in _guarded_tables() for op in ops}


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                           "AND tgname LIKE %s", [PREFIX + "%"])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE %s", [PREFIX + "%"])
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """The append-only triggers this database should have and has not (sorted)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    return sorted(expected_triggers(connection) - installed_triggers(connection))


def install_triggers(connection: BaseDatabaseWrapper) -> int:
    """Create the triggers on every append-only table that exists; idempotent. Returns how
    many tables were guarded."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return 0
    existing = set(connection.introspection.table_names())
    tables = [t for t in append_only_tables() if t in existing]
    pg = connection.vendor == "postgresql"
    statements = [_PG_FUNCTION] if pg and tables else []
    for table in tables:
        statements += _pg_sql(table) if pg else _sqlite_sql(table)
    if {HEAD_TABLE, "audit_auditentry"} <= existing:
        statements += _pg_head_sql() if pg else _sqlite_head_sql()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return len(tables)


def on_connection(connection: BaseDatabaseWrapper) -> None:
    """SQLite: the function the DELETE triggers ask, and REPLACE conflicts that delete rows
    made to fire the DELETE triggers (recursive_triggers)."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("policyhub_flushing", 0, lambda: 1 if _flushing else 0)
    raw.execute("PRAGMA recursive_triggers = ON")


@contextmanager
def flush_allowed(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let a flush empty the append-only tables: the test suite between transactional tests,
    and `load_demo --reset` on a database holding only the demo; nothing else."""
    global _flushing
    _flushing = True
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', false)", [FLUSH_SETTING])
    try:
        yield
    finally:
        _flushing = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [FLUSH_SETTING])
