"""Many new rows of one model in one executemany: what imports write (yearly figures, events,
their audit entries), without bulk_create's cost of compiling a multi-row INSERT object by
object (measured by `make bench`: bench_import).

Each value goes through its field exactly as Django's INSERT does (`pre_save`, then
`get_db_prep_save`), so defaults, auto_now and JSON are what `save` would write. Only ever
an INSERT: the append-only tables (policyhub.appendonly) accept it like `save`.
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


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """INSERT `objs` (new, without a primary key unless they set one) in the caller's
    transaction; their primary keys are NOT set (read them back when needed)."""
    if not objs:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    fields = [f for f in meta.concrete_fields
              if not (f.primary_key and getattr(objs[0], f.attname) is None)]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    preps = [_prep(f, connection) for f in fields]
    rows = [[prep(obj) for prep in preps] for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start:start + CHUNK])
    return len(rows)


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
