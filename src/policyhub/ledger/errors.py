"""Refusals of the ledger. Each carries the reason shown to the user (and written to the audit
trail) and the figures it was decided on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class LedgerError(Exception):
    def __init__(self, reason: str, **figures: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.figures = figures


class InvalidRequest(LedgerError):
    """An amount, year, key or clause the ledger cannot book."""


class ContributionRefused(LedgerError):
    """A contribution beyond the text's amounts or ahead of the 1:1 matching."""


class CommitmentRefused(LedgerError):
    """An award that is already committed."""


class InsufficientFunds(CommitmentRefused):
    """pool(year) − committed − paid < amount."""

    def __init__(self, *, year: int, requested: Decimal, available: Decimal, budget: Decimal,
                 committed: Decimal, paid: Decimal) -> None:
        super().__init__(
            f"{year}年度专项资金不足：申请 {requested} 元，可用 {available} 元"
            f"（预算 {budget} 元，已核定待拨付 {committed} 元，已拨付 {paid} 元）",
            year=year, requested=requested, available=available, budget=budget,
            committed=committed, paid=paid)
        self.year = year
        self.requested = requested
        self.available = available
        self.budget = budget
        self.committed = committed
        self.paid = paid


class PaymentRefused(LedgerError):
    """No commitment, nothing outstanding (already fully paid or released), or too much."""


class IdempotencyConflict(PaymentRefused):
    """The idempotency key was used before with a different request."""


class ReleaseRefused(LedgerError):
    """No commitment, or nothing outstanding to release."""
