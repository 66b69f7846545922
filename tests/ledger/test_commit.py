"""commit(): approval reserves money; the fund never goes negative counting commitments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.audit.models import AuditEntry
from policyhub.audit.services import verify
from policyhub.ledger.errors import CommitmentRefused, InsufficientFunds, InvalidRequest
from policyhub.ledger.models import Account, JournalEntry
from policyhub.ledger.services import available, figures, outstanding
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

pytestmark = pytest.mark.django_db

D = Decimal


def test_an_approval_moves_money_from_the_pool_to_commitments_in_one_balanced_entry() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    commitment = approve(p.bureau_officer, "A-1", "300.00")
    entry = commitment.entries.get()
    assert entry.kind == JournalEntry.Kind.COMMITMENT and entry.award_key == "A-1"
    lines = {(x.account.kind, x.amount) for x in entry.postings.select_related("account")}
    assert lines == {(Account.Kind.COMMITMENTS, D("300.00")), (Account.Kind.POOL, D("-300.00"))}
    assert figures(YEAR) == type(figures(YEAR))(YEAR, D("1000.00"), D("300.00"), D("0.00"),
                                               D("700.00"))
    assert outstanding(commitment) == D("300.00")


def test_committing_exactly_what_is_available_is_allowed_one_fen_more_is_not() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "600.00")
    with pytest.raises(InsufficientFunds) as refused:
        approve(p.bureau_officer, "A-2", "400.01")
    assert (refused.value.available, refused.value.requested) == (D("400.00"), D("400.01"))
    assert (refused.value.budget, refused.value.committed, refused.value.paid) == (
        D("1000.00"), D("600.00"), D("0.00"))
    assert "可用 400.00 元" in refused.value.reason
    approve(p.bureau_officer, "A-2", "400.00")
    assert available(YEAR) == 0


def test_a_refusal_is_audited_with_its_figures_and_books_nothing() -> None:
    p = personas()
    with pytest.raises(InsufficientFunds):
        approve(p.bureau_officer, "A-1", "1.00")
    entry = AuditEntry.objects.get(action="ledger.commit")
    assert entry.allowed is False and entry.actor_label == "bureau_officer"
    assert entry.payload["available"] == "0.00" and entry.payload["award_key"] == "A-1"
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.COMMITMENT).exists()
    assert verify().ok


def test_each_year_has_its_own_pool() -> None:
    p = personas()
    fund_year(p.finance, "100.00", year=YEAR + 1)
    with pytest.raises(InsufficientFunds):
        approve(p.bureau_officer, "A-1", "1.00", year=YEAR)
    approve(p.bureau_officer, "A-1", "100.00", year=YEAR + 1)


def test_an_award_is_committed_once() -> None:
    p = personas()
    fund_year(p.finance, "100.00")
    approve(p.bureau_officer, "A-1", "10.00")
    with pytest.raises(CommitmentRefused, match="已核定"):
        approve(p.bureau_officer, "A-1", "10.00")
    assert available(YEAR) == D("90.00")


@pytest.mark.parametrize(("field", "value"), [
    ("clause", "政策/九/(九)"), ("payee", " "), ("year", YEAR + 3), ("amount", "0.001")])
def test_a_malformed_approval_is_refused(field: str, value: object) -> None:
    p = personas()
    fund_year(p.finance, "100.00")
    args: dict[str, object] = {"clause": "政策/二/(四)", "payee": "某公司", "year": YEAR}
    amount = str(value) if field == "amount" else "1.00"
    if field != "amount":
        args[field] = value
    with pytest.raises(InvalidRequest):
        approve(p.bureau_officer, "A-1", amount, **args)  # type: ignore[arg-type]
