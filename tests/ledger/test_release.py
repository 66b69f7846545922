"""release(): refusal or withdrawal after approval voids the rest by a reversing entry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.ledger.errors import InvalidRequest, PaymentRefused, ReleaseRefused
from policyhub.ledger.models import Account, JournalEntry
from policyhub.ledger.services import available, figures, outstanding, pay, release
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

pytestmark = pytest.mark.django_db

D = Decimal


def test_release_reverses_the_commitment_and_returns_the_money_to_the_pool() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    commitment = approve(p.bureau_officer, "A-1", "300.00")
    release("A-1", p.bureau_officer, reason="申报单位撤回申请")
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.RELEASE)
    assert entry.reverses == commitment.entries.get(kind=JournalEntry.Kind.COMMITMENT)
    lines = {(x.account.kind, x.amount) for x in entry.postings.select_related("account")}
    assert lines == {(Account.Kind.POOL, D("300.00")), (Account.Kind.COMMITMENTS, D("-300.00"))}
    assert available(YEAR) == D("1000.00") and outstanding(commitment) == 0
    with pytest.raises(PaymentRefused):
        pay("A-1", D("1.00"), p.finance, idempotency_key="k1")


def test_after_a_partial_payment_only_the_rest_is_released() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    pay("A-1", D("100.00"), p.finance, idempotency_key="k1")
    release("A-1", p.bureau_officer, reason="复核核减")
    f = figures(YEAR)
    assert (f.committed, f.paid, f.available) == (D("0.00"), D("100.00"), D("900.00"))


def test_nothing_to_release_is_refused() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    with pytest.raises(ReleaseRefused):
        release("A-1", p.bureau_officer, reason="x")
    approve(p.bureau_officer, "A-1", "300.00")
    with pytest.raises(InvalidRequest):
        release("A-1", p.bureau_officer, reason=" ")
    release("A-1", p.bureau_officer, reason="撤回")
    with pytest.raises(ReleaseRefused):
        release("A-1", p.bureau_officer, reason="再次撤回")
    assert available(YEAR) == D("1000.00")


def test_sums_stay_exact_to_the_fen_after_pay_and_release() -> None:
    """SQLite sums DECIMAL as floats: 45.26 - 0.24 - 45.02 came back as -7.1e-15 (found by the
    property test); every derived balance must be exactly zero."""
    from policyhub.ledger.checks import problems
    from policyhub.ledger.models import Posting

    p = personas()
    fund_year(p.finance, "1000.00")
    commitment = approve(p.bureau_officer, "B", "45.26")
    pay("B", D("0.24"), p.finance, idempotency_key="k-B")
    release("B", p.bureau_officer, reason="撤回")
    commitments = Account.objects.get(kind=Account.Kind.COMMITMENTS, year=YEAR)
    balance = Posting.objects.for_account(commitments).balance()
    assert balance == 0 and str(balance).lstrip("-") == "0.00"
    assert outstanding(commitment) == 0
    assert problems() == []
