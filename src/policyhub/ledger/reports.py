"""Reports of the special fund: budget vs committed vs paid, by year, clause, department and
district, and the balance of every account. All figures are sums over postings, grouped in the
database.

By year the budget is the money put in (pool + committed + paid). Clauses, departments and
districts have no budget of their own in the text (the fund is one pool per year), so their
rows give committed and paid, and `approved` = committed + paid (releases already deducted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from policyhub.ledger.models import ZERO, Account, MoneySum, Posting
from policyhub.ledger.params import fund

Kind = Account.Kind
Dimension = Literal["clause", "department", "district"]
DIMENSION_FIELD: dict[str, str] = {
    "clause": "entry__commitment__clause",
    "department": "entry__commitment__department__name",
    "district": "entry__commitment__district",
}
UNSET = "（未填）"


@dataclass(frozen=True)
class ReportRow:
    key: str
    committed: Decimal  # approved and reserved, not yet paid
    paid: Decimal
    budget: Decimal | None = None  # by year only
    available: Decimal | None = None  # by year only

    @property
    def approved(self) -> Decimal:
        return self.committed + self.paid


@dataclass(frozen=True)
class BalanceRow:
    code: str
    name: str
    kind: str
    year: int
    balance: Decimal


def by_year() -> list[ReportRow]:
    """Every budget year of the fund (also those with no entry yet), then a total row."""
    sums: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    rows = (Posting.objects.filter(account__kind__in=[Kind.POOL, Kind.COMMITMENTS, Kind.PAID])
            .values_list("account__year", "account__kind").annotate(total=MoneySum("amount")))
    for year, kind, total in rows:
        sums[year, kind] = Decimal(total)
    years = sorted(set(fund().budget_years) | {year for year, _ in sums})
    out = [_year_row(str(y), sums[y, Kind.POOL], sums[y, Kind.COMMITMENTS], sums[y, Kind.PAID])
           for y in years]
    return [*out, _total(out)]


def by_dimension(dimension: Dimension) -> list[ReportRow]:
    """Committed and paid per clause, department or district, largest approved first."""
    field = DIMENSION_FIELD[dimension]
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = (Posting.objects.filter(account__kind__in=[Kind.COMMITMENTS, Kind.PAID],
                                   entry__commitment__isnull=False)
            .values_list(field, "account__kind").annotate(total=MoneySum("amount")))
    for key, kind, total in rows:
        sums[key or UNSET][kind] += Decimal(total)
    out = [ReportRow(key, committed=v[Kind.COMMITMENTS], paid=v[Kind.PAID])
           for key, v in sums.items()]
    out.sort(key=lambda r: (-r.approved, r.key))
    return [*out, _total(out)] if out else out


def balances() -> list[BalanceRow]:
    """Every account with its balance (debit positive, credit negative)."""
    totals = dict(Posting.objects.values_list("account_id").annotate(total=MoneySum("amount"))
                  .values_list("account_id", "total"))
    return [BalanceRow(a.code, a.name, a.kind, a.year, Decimal(totals.get(a.pk, ZERO)))
            for a in Account.objects.order_by("year", "kind")]


def _year_row(key: str, pool: Decimal, committed: Decimal, paid: Decimal) -> ReportRow:
    return ReportRow(key, committed=committed, paid=paid, budget=pool + committed + paid,
                     available=pool)


def _total(rows: list[ReportRow]) -> ReportRow:
    def add(values: list[Decimal | None]) -> Decimal | None:
        present = [v for v in values if v is not None]
        return sum(present, ZERO) if present else None

    return ReportRow("合计", committed=sum((r.committed for r in rows), ZERO),
                     paid=sum((r.paid for r in rows), ZERO),
                     budget=add([r.budget for r in rows]),
                     available=add([r.available for r in rows]))


def render(rows: list[ReportRow], title: str) -> str:
    """A plain-text table for the CLI."""
    with_budget = any(r.budget is not None for r in rows)
    header = [title, "预算", "已核定待拨付", "已拨付", "可用"] if with_budget else \
        [title, "已核定待拨付", "已拨付", "核定合计"]
    body = [[r.key, _yuan(r.budget), _yuan(r.committed), _yuan(r.paid), _yuan(r.available)]
            if with_budget else [r.key, _yuan(r.committed), _yuan(r.paid), _yuan(r.approved)]
            for r in rows]
    return _table(header, body)


def render_balances(rows: list[BalanceRow]) -> str:
    return _table(["科目", "名称", "余额（借正贷负）"],
                  [[r.code, r.name, _yuan(r.balance)] for r in rows])


def _yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _table(header: list[str], body: list[list[str]]) -> str:
    widths = [max(_width(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0] + " " * (widths[0] - _width(cells[0]))
        rest = [" " * (w - _width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    return "\n".join([line(header), *(line(r) for r in body)])


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
