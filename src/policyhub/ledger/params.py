"""The special fund's figures (二(一)), read from fund.yaml — never written in Python.

Each figure cites its sentence; loading checks that the sentence exists in the policy text, so
a renumbered clause fails loudly instead of leaving a dangling reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from policyhub import policytext

FUND_FILE = "fund.yaml"


@dataclass(frozen=True)
class Figure:
    name: str
    description: str
    reference: str
    unit: str
    value: Any


@dataclass(frozen=True)
class FundParameters:
    first_year: int
    years: int
    total: Decimal
    city_share: Decimal
    city_ratio: int  # city : zone = city_ratio : zone_ratio
    zone_ratio: int
    figures: tuple[Figure, ...]

    @property
    def budget_years(self) -> range:
        return range(self.first_year, self.first_year + self.years)

    @property
    def zone_share(self) -> Decimal:
        """What the zone puts in when the city has put in its whole share at the ratio."""
        return self.city_share * self.zone_ratio / self.city_ratio

    def reference(self, name: str) -> str:
        return next(f.reference for f in self.figures if f.name == name)


def _figure(name: str, raw: Any) -> Figure:
    if not isinstance(raw, dict) or not {"reference", "value"} <= raw.keys():
        raise ValueError(f"{FUND_FILE}: {name} needs `reference` and `value`")
    reference = str(raw["reference"])
    try:
        policytext.clause(reference)
    except KeyError:
        raise ValueError(f"{FUND_FILE}: {name} cites unknown clause {reference!r}") from None
    return Figure(name, str(raw.get("description", "")), reference, str(raw.get("unit", "")),
                  raw["value"])


def parse(text: str) -> FundParameters:
    raw = yaml.safe_load(text)
    figures = {name: _figure(name, value) for name, value in raw.items()}
    ratio = figures["matching_ratio"].value
    params = FundParameters(
        first_year=int(figures["first_year"].value),
        years=int(figures["years"].value),
        total=Decimal(str(figures["total"].value)),
        city_share=Decimal(str(figures["city_share"].value)),
        city_ratio=int(ratio["city"]),
        zone_ratio=int(ratio["zone"]),
        figures=tuple(figures.values()),
    )
    if params.city_ratio <= 0 or params.zone_ratio <= 0 or params.years <= 0:
        raise ValueError(f"{FUND_FILE}: the ratio and the number of years must be positive")
    if params.city_share + params.zone_share > params.total:
        raise ValueError(f"{FUND_FILE}: city share plus matching exceeds the total")
    return params


@cache
def fund() -> FundParameters:
    return parse(resources.files("policyhub.ledger").joinpath(FUND_FILE).read_text("utf-8"))
