"""Accounts, entries and postings: append-only, balances derived by queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from policyhub.appendonly import AppendOnlyError
from policyhub.ledger.models import Account, Commitment, JournalEntry, Posting
from policyhub.ledger.services import ensure_accounts
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

pytestmark = pytest.mark.django_db


def test_every_budget_year_has_its_five_accounts_once() -> None:
    ensure_accounts()
    ensure_accounts()
    assert Account.objects.count() == 3 * 5
    assert set(Account.objects.filter(year=YEAR).values_list("code", flat=True)) == {
        f"city-contribution-{YEAR}", f"zone-contribution-{YEAR}", f"pool-{YEAR}",
        f"commitments-{YEAR}", f"paid-{YEAR}"}


def test_a_balance_is_the_sum_of_the_postings_of_an_account() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    pool = Account.objects.get(kind=Account.Kind.POOL, year=YEAR)
    zone = Account.objects.get(kind=Account.Kind.ZONE, year=YEAR)
    assert Posting.objects.for_account(pool).balance() == Decimal("1000.00")
    assert Posting.objects.for_account(zone).balance() == Decimal("-500.00")
    assert Posting.objects.none().balance() == Decimal("0.00")


def test_entries_postings_and_commitments_refuse_update_and_delete() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    commitment = approve(p.bureau_officer, "A-1", "10.00")
    entry = commitment.entries.get()
    posting = entry.postings.first()
    assert posting is not None
    for obj in (entry, posting, commitment):
        with pytest.raises(AppendOnlyError):
            obj.save()
        with pytest.raises(AppendOnlyError):
            obj.delete()
    for manager in (JournalEntry.objects, Posting.objects, Commitment.objects):
        with pytest.raises(AppendOnlyError):
            manager.all().update(memo="x")  # type: ignore[misc]
        with pytest.raises(AppendOnlyError):
            manager.all().delete()


def test_a_zero_posting_is_refused_by_the_database() -> None:
    p = personas()
    fund_year(p.finance, "2.00")
    entry = JournalEntry.objects.first()
    assert entry is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(entry=entry, account=Account.objects.get(kind="pool", year=YEAR),
                               amount=0)
