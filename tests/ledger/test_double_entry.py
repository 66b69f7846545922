"""Every entry the services write balances; an unbalanced one is refused before it is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from policyhub.ledger.models import Account, JournalEntry
from policyhub.ledger.services import _post, ensure_accounts, pay, release
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

pytestmark = pytest.mark.django_db

D = Decimal


def test_every_entry_of_a_whole_life_cycle_sums_to_zero() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    approve(p.bureau_officer, "A-2", "200.00")
    pay("A-1", D("300.00"), p.finance, idempotency_key="k1")
    release("A-2", p.bureau_officer, reason="撤回")
    rows = JournalEntry.objects.annotate(total=Sum("postings__amount"), n=Count("postings"))
    assert rows.count() == 6
    assert all(r.total == 0 and r.n == 2 for r in rows)


@pytest.mark.parametrize("amounts", [[D("1.00"), D("-0.99")], [D("1.00")], [D("0"), D("0")]])
def test_an_unbalanced_or_degenerate_entry_is_refused(amounts: list[Decimal]) -> None:
    ensure_accounts()
    accounts = list(Account.objects.filter(year=YEAR))
    lines = list(zip(accounts, amounts, strict=False))
    with pytest.raises(ValueError, match=r"unbalanced|two or more"):
        _post(JournalEntry.Kind.CONTRIBUTION, YEAR, None, lines=lines)
    assert not JournalEntry.objects.exists()
