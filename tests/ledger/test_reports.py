"""Reports: budget vs committed vs paid by year, clause, department, district; balances."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from policyhub.ledger import reports
from policyhub.ledger.models import Account, Commitment, JournalEntry, Posting
from policyhub.ledger.services import ensure_accounts, pay, release
from policyhub.units.models import Unit
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import personas

pytestmark = pytest.mark.django_db

D = Decimal


def _hand_made(award_key: str, year: int, *, committed: str, paid: str, clause: str,
               department: str, district: str) -> None:
    """Entries written directly (not through the services) with known figures."""
    acct = {a.kind: a for a in Account.objects.filter(year=year)}
    c = Commitment.objects.create(award_key=award_key, year=year, clause=clause,
                                  department=Unit.objects.get(code=department),
                                  district=district, payee="某公司", at=timezone.now())
    for kind, amount, debit, credit in [
        (JournalEntry.Kind.COMMITMENT, committed, Account.Kind.COMMITMENTS, Account.Kind.POOL),
        (JournalEntry.Kind.PAYMENT, paid, Account.Kind.PAID, Account.Kind.COMMITMENTS),
    ]:
        e = JournalEntry.objects.create(at=timezone.now(), kind=kind, year=year, commitment=c,
                                        award_key=award_key)
        Posting.objects.create(entry=e, account=acct[debit], amount=D(amount))
        Posting.objects.create(entry=e, account=acct[credit], amount=-D(amount))


def _contribution(year: int, amount: str) -> None:
    acct = {a.kind: a for a in Account.objects.filter(year=year)}
    e = JournalEntry.objects.create(at=timezone.now(), kind=JournalEntry.Kind.CONTRIBUTION,
                                    year=year)
    Posting.objects.create(entry=e, account=acct[Account.Kind.POOL], amount=D(amount))
    Posting.objects.create(entry=e, account=acct[Account.Kind.ZONE], amount=-D(amount))


@pytest.fixture
def books() -> None:
    ensure_accounts()
    _contribution(YEAR, "1000.00")
    _contribution(YEAR + 1, "500.00")
    _hand_made("A", YEAR, committed="300.00", paid="100.00", clause="政策/二/(四)",
               department="miit", district="岳麓区")
    _hand_made("B", YEAR, committed="200.00", paid="200.00", clause="政策/二/(五)",
               department="hrss", district="岳麓区")
    _hand_made("C", YEAR + 1, committed="50.00", paid="10.00", clause="政策/二/(四)",
               department="miit", district="芙蓉区")


def _by_key(rows: list[reports.ReportRow]) -> dict[str, tuple[Decimal | None, ...]]:
    return {r.key: (r.budget, r.committed, r.paid, r.available) for r in rows}


@pytest.mark.usefixtures("books")
def test_by_year_gives_budget_committed_paid_available_and_a_total() -> None:
    assert _by_key(reports.by_year()) == {
        str(YEAR): (D("1000"), D("200"), D("300"), D("500")),
        str(YEAR + 1): (D("500"), D("40"), D("10"), D("450")),
        str(YEAR + 2): (D("0"), D("0"), D("0"), D("0")),
        "合计": (D("1500"), D("240"), D("310"), D("950")),
    }


@pytest.mark.usefixtures("books")
@pytest.mark.parametrize(("dimension", "expected"), [
    ("clause", {"政策/二/(四)": (D("240"), D("110")), "政策/二/(五)": (D("0"), D("200")),
                "合计": (D("240"), D("310"))}),
    ("department", {"市工业和信息化局": (D("240"), D("110")),
                    "市人力资源社会保障局": (D("0"), D("200")), "合计": (D("240"), D("310"))}),
    ("district", {"岳麓区": (D("200"), D("300")), "芙蓉区": (D("40"), D("10")),
                  "合计": (D("240"), D("310"))}),
])
def test_by_dimension_gives_committed_and_paid(
        dimension: reports.Dimension, expected: dict[str, tuple[Decimal, Decimal]]) -> None:
    rows = reports.by_dimension(dimension)
    assert {r.key: (r.committed, r.paid) for r in rows} == expected
    assert rows[-1].key == "合计" and rows[0].approved >= rows[1].approved


@pytest.mark.usefixtures("books")
def test_balances_list_every_account_with_its_derived_balance() -> None:
    got = {b.code: b.balance for b in reports.balances()}
    assert len(got) == 15
    assert got[f"pool-{YEAR}"] == D("500") and got[f"zone-contribution-{YEAR}"] == D("-1000")
    assert got[f"commitments-{YEAR + 1}"] == D("40") and got[f"paid-{YEAR + 2}"] == 0


def test_released_money_is_in_no_dimension_and_back_in_the_year() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    approve(p.bureau_officer, "A-2", "100.00", department=None, district="")
    pay("A-2", D("100.00"), p.finance, idempotency_key="k")
    release("A-1", p.bureau_officer, reason="撤回")
    assert {r.key: (r.committed, r.paid) for r in reports.by_dimension("department")} == {
        "市工业和信息化局": (D("0"), D("0")), reports.UNSET: (D("0"), D("100")),
        "合计": (D("0"), D("100"))}
    assert _by_key(reports.by_year())[str(YEAR)] == (D("1000"), D("0"), D("100"), D("900"))


@pytest.mark.usefixtures("books")
def test_the_tables_render_with_aligned_columns() -> None:
    text = reports.render(reports.by_year(), "预算年度")
    assert text.splitlines()[0].split() == ["预算年度", "预算", "已核定待拨付", "已拨付", "可用"]
    assert "1,500.00" in text
    assert "市工业和信息化局" in reports.render(reports.by_dimension("department"), "责任部门")
