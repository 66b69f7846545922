"""From the history (plain data) to the sampler's arrays, the kernel pricing every situation.

`History` is what the registry and the ledger hold up to the as-of year, read by
`policyhub.outlook.history` (Django) or built by hand in tests and the benchmark; `prepare`
turns it into `model.Inputs`. No Django here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policyhub.engine.params import ParameterSet, using
from policyhub.outlook import decide
from policyhub.outlook.decide import Applicant
from policyhub.outlook.model import Inputs
from policyhub.screen.schema import CLAUSES

ENTRANT = Applicant("enterprise")  # a new firm: an in-scope enterprise


@dataclass(frozen=True)
class Firm:
    who: Applicant
    revenue: dict[int, int]  # fiscal year -> fen, the years up to the as-of year


@dataclass(frozen=True)
class Template:
    who: Applicant
    event: dict[str, Any]  # engine vocabulary (RegistryEvent.to_engine)
    rate: float  # mean occurrences per projected year: 1 / years its type was observed


@dataclass
class History:
    base_year: int  # the last closed fiscal year: data up to its 31 December
    years: tuple[int, ...]  # projected budget years (after base_year, inside the fund)
    budget: int  # fen
    approved: int  # committed + paid so far (fen)
    firms: list[Firm] = field(default_factory=list)
    templates: list[Template] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)  # the kernel's interpretation options

    @property
    def horizon(self) -> dt.date:
        """The kernel's as_of: the end of the last projected year (nothing is 'future')."""
        return dt.date(self.years[-1] if self.years else self.base_year, 12, 31)


def prepare(h: History, parameters: ParameterSet | None = None) -> Inputs:
    """The sampler's arrays, every amount decided under `parameters` (a reform scenario's
    set, simulate.scenario.parameters_for; None: the law)."""
    with using(parameters) if parameters is not None else contextlib.nullcontext():
        return _prepare(h)


def _prepare(h: History) -> Inputs:
    thresholds = decide.thresholds()
    classes = sorted({f.who for f in h.firms} | {ENTRANT}, key=lambda a: a.key)
    index = {who: i for i, who in enumerate(classes)}
    fiscal = [y - 1 for y in h.years]
    table = (decide.milestone_table(classes, fiscal, h.horizon, h.options) if h.years
             else np.zeros((len(classes), 0, 1, 1), np.int64))
    firms = [f for f in h.firms if h.base_year in f.revenue]
    revenue = np.array([f.revenue[h.base_year] for f in firms], np.int64)
    before = [max((v for y, v in f.revenue.items() if y < h.base_year), default=0)
              for f in firms]
    growth: list[float] = []
    start, count = [], []
    for f in firms:
        factors = _factors(f.revenue)
        start.append(len(growth) if len(factors) >= 2 else 0)
        count.append(len(factors) if len(factors) >= 2 else 0)
        if len(factors) >= 2:
            growth += factors
    pool = growth or [g for f in firms for g in _factors(f.revenue)]
    if not growth and pool:  # nobody has two factors: everyone draws from the pool
        growth = pool
    first = [min(f.revenue) for f in h.firms if f.revenue]
    opening = [(min(f.revenue), f.revenue[min(f.revenue)]) for f in h.firms if f.revenue]
    start_year = min(first, default=h.base_year)
    # An entrant is a firm whose first figure comes after the registry's first year.
    entrants = [(y, fen) for y, fen in opening if start_year < y <= h.base_year]
    entrant_counts = [sum(1 for y, _ in entrants if y == year)
                      for year in range(start_year + 1, h.base_year + 1)]
    values, rate = _templates(h)
    return Inputs(
        years=h.years, clauses=CLAUSES, milestone_clause=CLAUSES.index(decide.MILESTONE_CLAUSE),
        thresholds=thresholds, table=table, revenue=revenue,
        best_before=decide.levels(np.array(before, np.int64)),
        firm_class=np.array([index[f.who] for f in firms], np.int64),
        growth=np.array(growth, np.float64), growth_start=np.array(start, np.int64),
        growth_count=np.array(count, np.int64), values=values, rate=rate,
        entrant_counts=np.array(entrant_counts, np.int64),
        entrant_revenue=np.array([fen for _, fen in entrants], np.int64),
        entrant_class=index[ENTRANT], budget=h.budget, approved=h.approved)


def _factors(revenue: dict[int, int]) -> list[float]:
    """Year-over-year factors of consecutive years with a positive revenue before."""
    return [revenue[y + 1] / revenue[y] for y in sorted(revenue)
            if y + 1 in revenue and revenue[y] > 0]


def _templates(h: History) -> tuple[Any, Any]:
    """The events' values per projected year, identical ones merged (their rates added):
    many events of a fixed-amount rule are worth the same."""
    clauses = len(CLAUSES)
    if not h.templates or not h.years:
        return np.zeros((0, len(h.years), clauses), np.int64), np.zeros(0)
    values = decide.event_values([(t.who, t.event) for t in h.templates], list(h.years),
                                 h.horizon, h.options)
    rate = np.array([t.rate for t in h.templates])
    worth = values.reshape(len(values), -1).any(axis=1)
    values, rate = values[worth], rate[worth]
    if len(values) == 0:
        return np.zeros((0, len(h.years), clauses), np.int64), np.zeros(0)
    unique, inverse = np.unique(values.reshape(len(values), -1), axis=0, return_inverse=True)
    merged = np.bincount(inverse.reshape(-1), weights=rate, minlength=len(unique))
    return unique.reshape(-1, len(h.years), clauses).astype(np.int64), merged


def realised(firms: list[Firm], events: list[tuple[Applicant, dict[str, Any]]],
             years: tuple[int, ...], options: dict[str, str] | None = None) -> list[int]:
    """What the registry really entitles per budget year (fen), priced as the projection
    prices it: milestones of fiscal year B-1 on the real figures, and every event dated in B
    decided on its own. The backtest's yardstick."""
    if not years:
        return []
    horizon = dt.date(years[-1], 12, 31)
    classes = sorted({f.who for f in firms}, key=lambda a: a.key)
    table = decide.milestone_table(classes, [y - 1 for y in years], horizon, options)
    out = [0] * len(years)
    for f in firms:
        c = classes.index(f.who)
        for i, year in enumerate(years):
            if year - 1 not in f.revenue:
                continue
            before = [v for y, v in f.revenue.items() if y < year - 1]
            b = int(decide.levels(np.array([max(before, default=0)], np.int64))[0])
            lv = int(decide.levels(np.array([f.revenue[year - 1]], np.int64))[0])
            out[i] += int(table[c, i, b, lv])
    # A fee event without fees has no row in a screening table, and claims nothing.
    dated = [(who, e) for who, e in events if decide.event_year(e) in years
             and (e["type"] != "platform_service_fees" or e.get("fees"))]
    g = decide.granted([(who, [e]) for who, e in dated], horizon, options)
    for app, fen in zip(g.app.tolist(), g.fen.tolist(), strict=True):
        out[years.index(decide.event_year(dated[app][1]))] += fen
    return out
