"""Real concurrency in tests: work released at the same instant from threads, each on its own
database connection. SQLite's test database is one in-memory connection that serialises every
writer, so such tests run on PostgreSQL only (`make pytest-pg`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
from django.db import connections, transaction

T = TypeVar("T")

POSTGRES_ONLY = pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every writer, so there is no concurrency to "
           "test (run `make pytest-pg` or set DATABASE_URL)")


def together(works: Sequence[Callable[[], T]], *, atomic: bool = False,
             catch: type[BaseException] | tuple[type[BaseException], ...] = Exception,
             ) -> list[T | BaseException]:
    """Run each work in its own thread, all released by one barrier; its result or the
    exception (of `catch`) it raised, in order. `atomic` wraps each in a transaction, as a
    service's caller would. Each thread closes its connections when done."""
    barrier = threading.Barrier(len(works))
    results: list[T | BaseException] = [RuntimeError("did not run")] * len(works)

    def run(i: int) -> None:
        try:
            barrier.wait()
            if atomic:
                with transaction.atomic():
                    results[i] = works[i]()
            else:
                results[i] = works[i]()
        except catch as exc:  # every outcome is inspected by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
