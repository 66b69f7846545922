"""The demo's special fund (docs/demo.md): money in 二(一) for the budget years 2020–2022, the
zone's share first and the city's matching it 1:1, well below the text's 200 million."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User

from policyhub.ledger import services as ledger
from policyhub.ledger.params import fund

# Per budget year and per source (元): the zone puts its share in first, the city matches it.
CONTRIBUTIONS = {2020: Decimal("20000000.00"), 2021: Decimal("30000000.00"),
                 2022: Decimal("25000000.00")}


def contribute(actor: User) -> None:
    """Each budget year: the zone's share first, then the city's matching it 1:1."""
    years = fund().budget_years
    for year, amount in CONTRIBUTIONS.items():
        if year not in years:
            continue
        ledger.contribute("zone", year, amount, actor,
                          reference=f"长高新财〔{year}〕{11 + year % 10}号 长沙高新区配套资金")
        ledger.contribute("city", year, amount, actor,
                          reference=f"长财企指〔{year}〕{30 + year % 10}号 市本级专项资金")


