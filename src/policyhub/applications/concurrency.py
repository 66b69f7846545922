"""How the workflow's services stay right under concurrent requests (docs/design.md,
"Concurrency"): one transaction per service call, locks taken in one global order, the
transaction retried whole when the database still picks it as a deadlock victim, and a
duplicate caught by a unique constraint answered as a refusal naming what exists.

Lock order, for every service that reads or changes an applicant's applications:

1. the applicant (organisation, person or team): a PostgreSQL advisory lock keyed by it
   (`lock_applicant`) — so two services on one applicant's applications run one after the
   other, while the registry's own writes to the applicant's row never meet it;
2. the proposal's row (confirming or dismissing a 免申即享 proposal);
3. the application's row, then its rivals' rows in primary-key order in one statement;
4. what the audit trail and the ledger lock (the audit head, the year's accounts).

Nothing takes a lock of a lower rank after one of a higher rank, so no two services can
wait on each other in a cycle. SQLite ignores row locks: its write transactions are
IMMEDIATE (settings), one writer at a time, which gives the same order trivially.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model

from policyhub.applications.errors import Refused
from policyhub.registry.models import Organisation, Person, Team

T = TypeVar("T")

# How many times a whole transaction is tried when the database aborts it as a deadlock
# victim or a serialization failure (the lock order makes this rare; the bound keeps an
# unforeseen cycle from spinning).
ATTEMPTS = 4
# SQLSTATE codes of a transaction the database aborted and that may succeed when run again:
# serialization_failure, deadlock_detected, lock_not_available.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
BUSY = "系统繁忙：其他用户正在同时处理同一申报主体的申报，请稍后重试"

APPLICANT_MODELS: dict[str, type[Organisation] | type[Person] | type[Team]] = {
    "organisation": Organisation, "person": Person, "team": Team}
# The advisory lock classes of the three applicant kinds (an arbitrary range no other part
# of PolicyHub uses: 0x50480140 = "PH", issue 20, kind).
LOCK_CLASSES = {"organisation": 0x50480141, "person": 0x50480142, "team": 0x50480143}


def transient(exc: DatabaseError) -> bool:
    """Whether the database aborted the transaction for a reason a retry can cure."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc)  # SQLite's busy timeout ran out


def run(work: Callable[[], T], *, duplicate: Callable[[], Refused | None] | None = None) -> T:
    """`work()` in one transaction, tried again whole (at most ATTEMPTS times) when the
    database aborts it as transient; then Refused(conflict=True), never the raw error.

    An IntegrityError is answered by `duplicate()` (run after the rollback): the refusal
    naming the row that already exists, or None to let the error through. Inside an outer
    transaction (a test, a caller's atomic block) a retry cannot undo the outer part, so a
    transient error is answered at once."""
    nested = transaction.get_connection().in_atomic_block
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return work()
        except IntegrityError as exc:
            found = duplicate() if duplicate is not None else None
            if found is None:
                raise
            raise found from exc
        except DatabaseError as exc:
            if not transient(exc):
                raise
            if nested or attempt == ATTEMPTS:
                raise Refused(BUSY, conflict=True) from exc
            # Back off a little, with jitter, so the retried transactions do not meet again.
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def lock_applicant(record: Model) -> None:
    """Take rank 1 of the lock order: the lock of `record`'s applicant (`record` is an
    Application or a Proposal, or the applicant itself).

    On PostgreSQL a transaction-scoped advisory lock keyed by the applicant, not a lock on
    its registry row: only the application services take it, so a registry import that
    updates organisations and records to the audit trail in its own order can never wait
    on a workflow move in a cycle. Held until commit or rollback. SQLite has one writer at
    a time already (IMMEDIATE transactions)."""
    if isinstance(record, Organisation | Person | Team):
        field = next(f for f, m in APPLICANT_MODELS.items() if isinstance(record, m))
        pk = int(record.pk)
    else:
        field = next(f for f in APPLICANT_MODELS if getattr(record, f"{f}_id") is not None)
        pk = int(getattr(record, f"{field}_id"))
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Two int4 keys: the kind's class, the id folded into 31 bits (a collision only
        # makes two applicants wait for each other, never a cycle: one lock per service).
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                       [LOCK_CLASSES[field], pk % 2**31])
