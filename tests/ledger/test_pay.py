"""pay(): posts against the commitment; idempotent per key; never pays twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.audit.models import AuditEntry
from policyhub.ledger.errors import IdempotencyConflict, InvalidRequest, PaymentRefused
from policyhub.ledger.models import JournalEntry
from policyhub.ledger.services import figures, outstanding, pay
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

pytestmark = pytest.mark.django_db

D = Decimal


def _payments() -> int:
    return JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).count()


def test_a_payment_moves_the_commitment_to_paid() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    commitment = approve(p.bureau_officer, "A-1", "300.00")
    payment = pay("A-1", D("300.00"), p.finance, idempotency_key="pay-A-1")
    assert (payment.amount, payment.payee, payment.year) == (D("300.00"), commitment.payee, YEAR)
    f = figures(YEAR)
    assert (f.budget, f.committed, f.paid, f.available) == (
        D("1000.00"), D("0.00"), D("300.00"), D("700.00"))
    assert outstanding(commitment) == 0


def test_a_retry_with_the_same_key_and_body_returns_the_first_payment() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    first = pay("A-1", D("300.00"), p.finance, idempotency_key="k1")
    again = pay("A-1", D("300"), p.finance, idempotency_key="k1")  # same amount, other spelling
    assert again == first and _payments() == 1
    replays = AuditEntry.objects.filter(action="ledger.pay", payload__replayed=True)
    assert replays.count() == 1


def test_the_same_key_with_another_body_is_refused() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    approve(p.bureau_officer, "A-2", "300.00")
    pay("A-1", D("100.00"), p.finance, idempotency_key="k1")
    with pytest.raises(IdempotencyConflict):
        pay("A-1", D("200.00"), p.finance, idempotency_key="k1")
    with pytest.raises(IdempotencyConflict):
        pay("A-2", D("100.00"), p.finance, idempotency_key="k1")
    with pytest.raises(IdempotencyConflict):
        pay("NO-SUCH-AWARD", D("100.00"), p.finance, idempotency_key="k1")
    assert _payments() == 1


def test_a_fully_paid_award_is_never_paid_again() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    pay("A-1", D("300.00"), p.finance, idempotency_key="k1")
    with pytest.raises(PaymentRefused, match="不能再次拨付"):
        pay("A-1", D("300.00"), p.finance, idempotency_key="k2")
    assert _payments() == 1 and figures(YEAR).paid == D("300.00")


def test_instalments_up_to_the_commitment_and_not_one_fen_more() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    commitment = approve(p.bureau_officer, "A-1", "300.00")
    pay("A-1", D("100.00"), p.finance, idempotency_key="k1")
    with pytest.raises(PaymentRefused, match="超过"):
        pay("A-1", D("200.01"), p.finance, idempotency_key="k2")
    pay("A-1", D("200.00"), p.finance, idempotency_key="k2")
    assert outstanding(commitment) == 0 and _payments() == 2


def test_an_award_without_commitment_or_a_bad_key_is_refused() -> None:
    p = personas()
    with pytest.raises(PaymentRefused, match="没有资金承诺"):
        pay("A-1", D("1.00"), p.finance, idempotency_key="k1")
    with pytest.raises(InvalidRequest):
        pay("A-1", D("1.00"), p.finance, idempotency_key="")
    assert AuditEntry.objects.filter(action="ledger.pay", allowed=False).count() == 2
