"""Many new rows of one model in one statement stream: what imports write (yearly figures,
events, their audit entries), without bulk_create's cost of compiling a multi-row INSERT
object by object (measured by `make bench`: bench_import); and many rows updated by one
prepared UPDATE (a re-imported file's figures).

Each value goes through its field exactly as Django's INSERT does (`pre_save`, then
`get_db_prep_save`), so defaults, auto_now and JSON are what `save` would write. Only ever
an INSERT: the append-only tables (policyhub.appendonly) accept it like `save`.

On SQLite the rows go through one prepared INSERT (`executemany`, a loop in C); on
PostgreSQL through COPY … FROM STDIN, which is an INSERT for the server (constraints and row
triggers run as for INSERT) but sends the rows as one stream: psycopg's `executemany`
executes one INSERT per row, which cost an import of 100,000 figures about half its write
time (bench_import, 2026-12-07).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models, router

CHUNK = 500  # rows per executemany call
# Fields whose database value is the Python value itself (str, int, bool, a key's id) on
# SQLite and PostgreSQL: `get_db_prep_save` would only convert it to what it already is.
PLAIN = frozenset({"CharField", "TextField", "SlugField", "IntegerField", "BigIntegerField",
                   "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
                   "PositiveSmallIntegerField", "BooleanField", "ForeignKey", "AutoField",
                   "BigAutoField"})
Prep = Callable[[Any], Any]


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """INSERT `objs` (new, without a primary key unless they set one) in the caller's
    transaction; their primary keys are NOT set (read them back when needed)."""
    if not objs:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields
              if not (f.primary_key and getattr(objs[0], f.attname) is None)]
    preps = [_prep(f, connection) for f in fields]
    rows = [[prep(obj) for prep in preps] for obj in objs]
    _write(connection, model, [f.column for f in fields], rows)
    return len(rows)


def _named_fields(model: type[models.Model], attnames: Sequence[str]
                  ) -> tuple[Any, list[models.Field[Any, Any]], list[Any]]:
    """The write connection, the fields named by `attnames` and each one's value preparer."""
    connection = connections[router.db_for_write(model)]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    return connection, fields, [_value_prep(f, connection) for f in fields]


def insert_rows(model: type[models.Model], attnames: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> int:
    """INSERT `rows`, each the values of `attnames` (a foreign key by its `…_id`) in that
    order, in the caller's transaction; for writers that never build model instances. Each
    value goes through its field's `get_db_prep_save` (no `pre_save`: an auto_now field's
    value is the caller's to give). Primary keys are not returned."""
    if not rows:
        return 0
    connection, fields, preps = _named_fields(model, attnames)
    if all(p is None for p in preps):
        prepared: Sequence[Sequence[Any]] = rows
    else:
        prepared = [[v if p is None else p(v) for p, v in zip(preps, row, strict=True)]
                    for row in rows]
    _write(connection, model, [f.column for f in fields], prepared)
    return len(rows)


def update_rows(model: type[models.Model], attnames: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> int:
    """UPDATE one row of the table per item of `rows`: each gives the values of `attnames`
    and then the primary key of the row to change, in the caller's transaction; not one ORM
    query compiled per row. SQLite runs one prepared UPDATE for every row (executemany, a
    loop in C); PostgreSQL one UPDATE … FROM unnest(the columns as arrays). Values are
    prepared as insert_rows prepares them. Returns the number of rows given."""
    if not rows:
        return 0
    connection, fields, preps = _named_fields(model, attnames)
    preps = [*preps, None]  # the primary key, last, goes as given
    prepared = [[v if p is None else p(v) for p, v in zip(preps, row, strict=True)]
                for row in rows]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    types = [f.db_type(connection) for f in [*fields, model._meta.pk]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and None not in types:
            # One statement for all the rows: the columns as arrays, zipped by unnest (the
            # pipeline still executes one UPDATE per row: 140 µs a figure here).
            sets = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(fields))
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            names = ", ".join([*(f"c{i}" for i in range(len(fields))), "k"])
            columns = [list(c) for c in zip(*prepared, strict=True)]
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) "
                           f"WHERE {table}.{pk} = v.k", columns)
            return len(rows)
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"
        for start in range(0, len(prepared), CHUNK):
            cursor.executemany(sql, prepared[start:start + CHUNK])
    return len(rows)


def _write(connection: Any, model: type[models.Model], columns: list[str],
           rows: Sequence[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start:start + CHUNK])


def _value_prep(field: Any, connection: Any) -> Prep | None:
    """How one value of `field` becomes the INSERT's parameter; None when it already is."""
    kind = field.get_internal_type()
    if kind in PLAIN and not field.choices:
        return None
    if kind == "DecimalField":  # a Decimal is its own database value

        def decimal(value: Any) -> Any:
            if value is None or isinstance(value, Decimal):
                return value
            return field.get_db_prep_save(value, connection)

        return decimal
    last: list[Any] = [object(), None]  # an import writes one timestamp many times

    def prep(value: Any) -> Any:
        if value is not last[0]:
            last[:] = [value, field.get_db_prep_save(value, connection)]
        return last[1]

    return prep


def _prep(field: Any, connection: Any) -> Callable[[models.Model], Any]:
    """How one field's value of an object becomes the INSERT's parameter, as Django does it
    (`pre_save` for auto_now fields, then `get_db_prep_save`), skipping the no-op steps."""
    attname = field.attname
    saved_by_field = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    plain = field.get_internal_type() in PLAIN and not field.choices and not saved_by_field
    if plain:
        return lambda obj: getattr(obj, attname)
    if field.get_internal_type() == "DecimalField":  # a Decimal is its own database value

        def decimal(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            if value is None or isinstance(value, Decimal):
                return value
            return field.get_db_prep_save(value, connection)

        return decimal
    if saved_by_field:
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)
