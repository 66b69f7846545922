"""Real concurrency on PostgreSQL: many reviewers approving at once never overspend, and
concurrent retries of a payment never pay twice. Each thread has its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import pytest
from django.conf import settings
from django.db import connection

from policyhub.ledger.checks import problems
from policyhub.ledger.errors import InsufficientFunds, LedgerError, PaymentRefused
from policyhub.ledger.models import JournalEntry
from policyhub.ledger.services import Payment, available, pay
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

T = TypeVar("T")

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite serialises every writer, so there is no concurrency to "
               "test (run `make pytest-pg` or set DATABASE_URL)"),
    # Committed transactions, seen by the other threads' connections; the seeded units are
    # restored after the flush for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 24
AMOUNT = Decimal("1000.00")
FITS = 7  # the pool takes exactly this many approvals


def _together(n: int, work: Callable[[int], T]) -> list[T | LedgerError]:
    """Run work(0…n-1) in n threads released at the same instant; each closes its connection."""
    barrier = threading.Barrier(n)
    results: list[T | LedgerError] = [LedgerError("did not run")] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except LedgerError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_concurrent_approvals_never_overspend() -> None:
    p = personas()
    fund_year(p.finance, str(AMOUNT * FITS))
    results = _together(THREADS, lambda i: approve(p.bureau_officer, f"A-{i}", str(AMOUNT)))
    refused = [r for r in results if isinstance(r, LedgerError)]
    assert len(results) - len(refused) == FITS
    assert all(isinstance(r, InsufficientFunds) for r in refused), refused
    assert available(YEAR) == 0
    assert problems() == []


def test_concurrent_retries_of_one_payment_pay_once() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "1000.00")
    results = _together(THREADS, lambda i: pay("A-1", AMOUNT, p.finance, idempotency_key="k"))
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.entry_id for r in results if isinstance(r, Payment)}) == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).count() == 1


def test_concurrent_payments_under_different_keys_pay_once() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "1000.00")
    results = _together(THREADS, lambda i: pay("A-1", AMOUNT, p.finance,
                                               idempotency_key=f"k{i}"))
    paid = [r for r in results if isinstance(r, Payment)]
    assert len(paid) == 1
    assert all(isinstance(r, PaymentRefused) for r in results if r not in paid)
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).count() == 1
    assert problems() == []
