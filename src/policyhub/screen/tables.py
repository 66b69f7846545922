"""The dated parameters (engine/parameters/*.yaml) as integer tables for the kernel.

Amounts become int64 fen, rates exact fractions `num / den` (one `den` per parameter, common
to all its periods), thresholds the least whole fen that reaches them. Every table has one row
per period; `Dated.period(days)` finds the period in force on each day, clamped to the first
period for earlier days, exactly as `engine.rules.pv` reads a parameter.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from policyhub.engine.params import ParameterSet, law, overriding, param, using
from policyhub.engine.request import CATEGORIES, DISCRETIONARY_RULES, LEVELS
from policyhub.engine.rules import DISCRETIONARY_CAPS, add_years
from policyhub.screen.schema import RANKS, STAGES

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
EPOCH = dt.date(1970, 1, 1)
NONE = -1  # "no value" in an int64 table (no cap, unknown key)


def days(day: dt.date) -> int:
    """Days since 1970-01-01: the physical value of a date32 / polars Date."""
    return (day - EPOCH).days


def _fen(value: Any, name: str, *, ceil: bool = False) -> int:
    """Yuan -> whole fen. Paid amounts and caps must be whole fen; a threshold rounds up,
    since `amount >= t` in fen is `amount >= ceil(t)`."""
    fen = Fraction(Decimal(value)) * 100
    if fen.denominator != 1 and not ceil:
        raise ValueError(f"{name}: {value} yuan is not a whole number of fen")
    return math.ceil(fen)


@dataclass(frozen=True)
class Dated:
    """A parameter's periods: `starts[p]` (days) and per-period values in the subclasses."""

    starts: I32

    def period(self, day: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
        if len(self.starts) == 1:
            return np.zeros(len(day), np.intp)
        found = np.searchsorted(self.starts, day, side="right") - 1
        return np.maximum(found, 0)


@dataclass(frozen=True)
class Amounts(Dated):
    """Fen per period and key: `fen[p, k]`, NONE where the period has no such key / no cap."""

    fen: I64


@dataclass(frozen=True)
class Rate(Dated):
    """An exact rate per period: `num[p] / den`."""

    num: I64
    den: int


@dataclass(frozen=True)
class Area(Dated):
    """Housing area per period and level, as exact fractions `num[p, k] / den`."""

    num: I64
    den: int


@dataclass(frozen=True)
class Milestones(Dated):
    """Revenue steps per period, padded: `threshold[p, i]` (fen, NONE = no step i) and
    `amount[p, i]`; `level[p, i]` is the step's rank in `all_thresholds` plus one."""

    threshold: I64
    amount: I64
    level: I64
    all_thresholds: I64  # every threshold of every period, ascending, unique


def _periods(name: str) -> tuple[I32, list[Any]]:
    periods = param(name).periods()
    return np.array([days(d) for d, _ in periods], np.int32), [v for _, v in periods]


def amounts(name: str, keys: tuple[Any, ...] | None = None) -> Amounts:
    starts, values = _periods(name)
    if keys is None:
        fen = [[NONE if v is None else _fen(v, name)] for v in values]
    else:
        fen = [[_fen(v[k], name) if k in v else NONE for k in keys] for v in values]
    return Amounts(starts, np.array(fen, np.int64))


def threshold(name: str) -> Amounts:
    starts, values = _periods(name)
    return Amounts(starts, np.array([[_fen(v, name, ceil=True)] for v in values], np.int64))


def rate(name: str) -> Rate:
    starts, values = _periods(name)
    fractions = [Fraction(Decimal(v)) for v in values]
    den = math.lcm(*(f.denominator for f in fractions))
    return Rate(starts, np.array([int(f * den) for f in fractions], np.int64), den)


def area(name: str, keys: tuple[str, ...]) -> Area:
    starts, values = _periods(name)
    fractions = [[Fraction(Decimal(v[k])) for k in keys] for v in values]
    den = math.lcm(*(f.denominator for row in fractions for f in row))
    return Area(starts, np.array([[int(f * den) for f in row] for row in fractions], np.int64),
                den)


def years(name: str) -> Amounts:
    starts, values = _periods(name)
    return Amounts(starts, np.array([[int(v)] for v in values], np.int64))


def milestones(name: str) -> Milestones:
    starts, values = _periods(name)
    width = max(len(steps) for steps in values)
    thr = np.full((len(values), width), NONE, np.int64)
    amt = np.zeros((len(values), width), np.int64)
    for p, steps in enumerate(values):
        for i, step in enumerate(steps):
            thr[p, i] = _fen(step["threshold"], name, ceil=True)
            amt[p, i] = _fen(step["amount"], name)
    every = np.unique(thr[thr != NONE])
    level = np.where(thr != NONE, np.searchsorted(every, thr) + 1, len(every) + 1)
    return Milestones(starts, thr, amt, level.astype(np.int64), every)


@dataclass(frozen=True)
class Tables:
    """Everything the kernel reads from the parameters."""

    valid_from: int  # days, inclusive
    valid_to: int  # days, inclusive
    milestones: Milestones
    leading_threshold: Amounts
    leading_rate: Rate
    leading_cap: Amounts
    talent_reward: Amounts  # by LEVELS
    housing_area: Area  # by LEVELS
    urgent_talent: Amounts  # by CATEGORIES
    civil_military: Amounts  # by CATEGORIES
    civil_military_team: Amounts
    standard: Amounts  # by standard_levels
    standard_levels: tuple[str, ...]
    project_threshold: Amounts
    project_rate: Rate
    project_cap: Amounts
    ipo_stage: Amounts  # by STAGES
    construction_rate: Rate
    construction_cap: Amounts
    fee_rate: Rate
    fee_years: Amounts
    fee_cap: Amounts
    pk_rate: Rate
    pk_cap: Amounts
    prize: Amounts  # by RANKS
    settlement: Amounts  # by RANKS
    discretionary_caps: tuple[Amounts, ...]  # by DISCRETIONARY_RULES


def tables(chosen: ParameterSet | None = None) -> Tables:
    """The tables of `chosen` parameters — by default the set in force for the engine
    (the law, or a reform scenario inside `params.using`) — built once per set and process.
    This is the kernel's one way to its constants, so a scenario reaches it unchanged."""
    chosen = overriding() if chosen is None else chosen
    if chosen is None or chosen is law():
        return _law_tables()
    return _scenario_tables(chosen)


def clear() -> None:
    """Forget the built tables (tests that patch the parameters)."""
    _law_tables.cache_clear()
    _scenario_tables.cache_clear()


@lru_cache(maxsize=1)
def _law_tables() -> Tables:
    return _build()


@lru_cache(maxsize=8)
def _scenario_tables(chosen: ParameterSet) -> Tables:
    with using(chosen):
        return _build()


def _build() -> Tables:
    start = param("policy.validity_start").periods()[-1][1]
    span = int(param("policy.validity_years").periods()[-1][1])
    end = add_years(start, span) - dt.timedelta(days=1)
    levels = tuple(dict.fromkeys(k for _, v in param("p6_standards.standard").periods()
                                 for k in v))
    return Tables(
        valid_from=days(start),
        valid_to=days(end),
        milestones=milestones("p4_enterprises.milestones"),
        leading_threshold=threshold("p4_enterprises.leading_firm_paid_in_threshold"),
        leading_rate=rate("p4_enterprises.leading_firm_rate"),
        leading_cap=amounts("p4_enterprises.leading_firm_cap"),
        talent_reward=amounts("p5_talents.talent_reward", LEVELS),
        housing_area=area("p5_talents.housing_area", LEVELS),
        urgent_talent=amounts("p5_talents.urgent_talent", CATEGORIES),
        civil_military=amounts("p5_talents.civil_military", CATEGORIES),
        civil_military_team=amounts("p5_talents.civil_military_team"),
        standard=amounts("p6_standards.standard", levels),
        standard_levels=levels,
        project_threshold=threshold("p7_projects.project_threshold"),
        project_rate=rate("p7_projects.project_rate"),
        project_cap=amounts("p7_projects.project_cap"),
        ipo_stage=amounts("p8_ipo.ipo_stage", STAGES),
        construction_rate=rate("p2_platforms.construction_rate"),
        construction_cap=amounts("p2_platforms.construction_cap"),
        fee_rate=rate("p2_platforms.service_fee_rate"),
        fee_years=years("p2_platforms.service_fee_years"),
        fee_cap=amounts("p2_platforms.service_fee_cap"),
        pk_rate=rate("p9_pk_demo.pk_demo_rate"),
        pk_cap=amounts("p9_pk_demo.pk_demo_cap"),
        prize=amounts("p10_competition.prize", RANKS),
        settlement=amounts("p10_competition.settlement", RANKS),
        discretionary_caps=tuple(amounts(DISCRETIONARY_CAPS[r]) for r in DISCRETIONARY_RULES),
    )
