"""Shared set-up for the ledger tests: money in the fund, awards approved."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User

from policyhub.ledger.models import Commitment
from policyhub.ledger.params import fund
from policyhub.ledger.services import commit, contribute
from policyhub.units.models import Unit

YEAR = fund().first_year
CLAUSE = "政策/二/(四)"


def yuan(text: str) -> Decimal:
    return Decimal(text)


def fund_year(actor: User, amount: str, year: int = YEAR) -> None:
    """Put `amount` in the year's pool, matched 1:1 (half zone first, then half city) when it
    splits into fen, else all from the zone."""
    value = Decimal(amount)
    half = value / 2
    if half == half.quantize(Decimal("0.01")):
        contribute("zone", year, half, actor, reference=f"高新区配套 {year}")
        contribute("city", year, half, actor, reference=f"市本级安排 {year}")
    else:
        contribute("zone", year, value, actor, reference=f"高新区配套 {year}")


def approve(actor: User, award_key: str, amount: str, *, year: int = YEAR,
            clause: str = CLAUSE, department: str | None = "miit", district: str = "岳麓区",
            payee: str = "长沙星盾网络安全有限公司") -> Commitment:
    unit = Unit.objects.get(code=department) if department else None
    return commit(award_key, year, Decimal(amount), actor, clause=clause, department=unit,
                  district=district, payee=payee)
