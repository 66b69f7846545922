"""Real concurrency on PostgreSQL: many reviewers approving at once never overspend, and
concurrent retries of a payment never pay twice. Each thread has its own connection."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.ledger.checks import problems
from policyhub.ledger.errors import InsufficientFunds, LedgerError, PaymentRefused
from policyhub.ledger.models import JournalEntry
from policyhub.ledger.services import Payment, available, pay
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas
from tests.threads import POSTGRES_ONLY, together

pytestmark = [
    POSTGRES_ONLY,
    # Committed transactions, seen by the other threads' connections; the seeded units are
    # restored after the flush for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 24
AMOUNT = Decimal("1000.00")
FITS = 7  # the pool takes exactly this many approvals


def test_concurrent_approvals_never_overspend() -> None:
    p = personas()
    fund_year(p.finance, str(AMOUNT * FITS))
    results = together([lambda i=i: approve(p.bureau_officer, f"A-{i}", str(AMOUNT))  # type: ignore[misc]
                       for i in range(THREADS)], catch=LedgerError)
    refused = [r for r in results if isinstance(r, LedgerError)]
    assert len(results) - len(refused) == FITS
    assert all(isinstance(r, InsufficientFunds) for r in refused), refused
    assert available(YEAR) == 0
    assert problems() == []


def test_concurrent_retries_of_one_payment_pay_once() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "1000.00")
    results = together([lambda: pay("A-1", AMOUNT, p.finance, idempotency_key="k")] * THREADS,
                       catch=LedgerError)
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.entry_id for r in results if isinstance(r, Payment)}) == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).count() == 1


def test_concurrent_payments_under_different_keys_pay_once() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "1000.00")
    results = together([lambda i=i: pay("A-1", AMOUNT, p.finance,  # type: ignore[misc]
                                         idempotency_key=f"k{i}") for i in range(THREADS)],
                       catch=LedgerError)
    paid = [r for r in results if isinstance(r, Payment)]
    assert len(paid) == 1
    assert all(isinstance(r, PaymentRefused) for r in results if r not in paid)
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).count() == 1
    assert problems() == []
