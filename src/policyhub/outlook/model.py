"""The Monte Carlo core: pure NumPy over arrays, money in int64 fen.

One path is one possible future of the registry over the projected budget years. For each
budget year B (index y) a path's claims are, per clause:

1. milestones (二(四)) of fiscal year B-1: for the fiscal year already closed (the as-of
   year) the firms' real revenue; for later years each firm's revenue times a growth factor
   drawn from its own observed year-over-year factors (the pooled factors of all firms when
   it has fewer than two), and the kernel's award for its step (`Inputs.table`);
2. firms that enter the registry: their number drawn from the numbers seen per year, their
   first revenue from the first revenues of those entrants, priced like a firm at level 0;
3. events: each historical event (a template, valued by the kernel in each projected year)
   happens again a Poisson number of times with mean 1 / (years its type was observed), so
   the events of a type per year are Poisson with the type's observed yearly rate and their
   contents are drawn from that type's history.

Loops run per year and per chunk of paths, never per path or per firm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
EXACT = 2**53  # float64 holds every integer below this exactly
CELLS_PER_CHUNK = 4_000_000  # paths × firms (or × templates) per step: ~100 MB of temporaries
QUANTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class Inputs:
    """Everything the sampler needs, as arrays. Years are the projected budget years; the
    milestone table's fiscal years are those years less one (index 0: the as-of year)."""

    years: tuple[int, ...]
    clauses: tuple[str, ...]
    milestone_clause: int  # index into clauses
    thresholds: I64  # fen, ascending
    table: I64  # [class, year index, best level b, level l] fen
    revenue: I64  # per firm: fen, as-of fiscal year
    best_before: I64  # per firm: best level of the fiscal years before the as-of year
    firm_class: I64  # per firm: index into the table's classes
    growth: F64  # every observed factor, firm by firm
    # Per firm: its factors are growth[start:start+count], or, when count is 0, the whole
    # pool; the slices of firms with factors are contiguous and in firm order.
    growth_start: I64
    growth_count: I64
    values: I64  # [template, year index, clause] fen
    rate: F64  # per template: mean occurrences per path and year
    entrant_counts: I64  # firms that entered, per observed year
    entrant_revenue: I64  # their first revenue (fen)
    entrant_class: int
    budget: int  # the fund's total (fen)
    approved: int  # committed + paid so far, all budget years (fen)


@dataclass(frozen=True)
class Outlook:
    years: tuple[int, ...]
    clauses: tuple[str, ...]
    paths: int
    seed: int
    claims: I64  # [path, year index, clause] fen
    budget: int
    approved: int

    @property
    def remaining(self) -> int:
        return self.budget - self.approved

    def per_year(self) -> I64:
        """[path, year] claims of every clause."""
        out: I64 = self.claims.sum(axis=2)
        return out

    def cumulative(self) -> I64:
        out: I64 = np.cumsum(self.per_year(), axis=1)
        return out

    def mean(self, values: I64) -> I64:
        """Mean over paths (axis 0), half-up to the fen in integers."""
        total = values.sum(axis=0)
        out: I64 = (2 * total + self.paths) // (2 * self.paths) if self.paths else total
        return out

    def quantiles(self, values: I64) -> dict[int, I64]:
        """Per percentile, a value one of the paths took (no interpolation: still fen)."""
        if self.paths == 0:
            return {q: np.zeros(values.shape[1:], np.int64) for q in QUANTILES}
        return {q: np.percentile(values, q, axis=0, method="inverted_cdf").astype(np.int64)
                for q in QUANTILES}

    def depletion(self) -> F64:
        """Per year: the share of paths whose claims since the as-of date exceed what is left
        of the fund by the end of that year."""
        if self.paths == 0:
            return np.zeros(len(self.years))
        out: F64 = (self.cumulative() > self.remaining).mean(axis=0)
        return out


def simulate(inputs: Inputs, paths: int = 10_000, seed: int = 0) -> Outlook:
    """N paths, reproducible from the seed (the chunking does not depend on the machine)."""
    if paths < 0:
        raise ValueError("paths: must not be negative")
    firms_rng, entrants_rng, events_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    claims = np.zeros((paths, len(inputs.years), len(inputs.clauses)), np.int64)
    if paths and inputs.years:
        claims[:, 0, inputs.milestone_clause] += _known(inputs)
        claims[:, :, inputs.milestone_clause] += _firms(inputs, paths, firms_rng)
        claims[:, :, inputs.milestone_clause] += _entrants(inputs, paths, entrants_rng)
        claims += _events(inputs, paths, events_rng)
    return Outlook(inputs.years, inputs.clauses, paths, seed, claims, inputs.budget,
                   inputs.approved)


def levels(thresholds: I64, fen: I64) -> I64:
    out: I64 = np.searchsorted(thresholds, fen, side="right").astype(np.int64)
    return out


def _award(inputs: Inputs, cls: I64, year: int, best: I64, level: I64) -> I64:
    t = inputs.table
    flat = ((cls * t.shape[1] + year) * t.shape[2] + best) * t.shape[3] + level
    out: I64 = np.take(t.reshape(-1), flat)
    return out


def live_firms(inputs: Inputs) -> npt.NDArray[np.bool_]:
    """The firms that can still claim: those that reach a level above their best so far when
    growing at their highest factor every projected year. The others never claim, so they
    are left out exactly, not as an approximation."""
    n, steps = len(inputs.revenue), len(inputs.years) - 1
    if steps <= 0 or len(inputs.growth) == 0:
        return np.zeros(n, np.bool_)
    own = inputs.growth_count > 0
    top = np.full(n, inputs.growth.max())
    if own.any():  # slices are contiguous and in firm order (Inputs)
        top[own] = np.maximum.reduceat(inputs.growth, inputs.growth_start[own])
    best = np.maximum(inputs.best_before, levels(inputs.thresholds, inputs.revenue))
    reach = inputs.revenue.astype(np.float64) * np.maximum(top, 1.0) ** steps
    out: npt.NDArray[np.bool_] = levels(inputs.thresholds, np.ceil(reach).astype(np.int64)) > best
    return out


def _known(inputs: Inputs) -> int:
    """Milestones of the as-of fiscal year, claimed in the first projected budget year."""
    level = levels(inputs.thresholds, inputs.revenue)
    return int(_award(inputs, inputs.firm_class, 0, inputs.best_before, level).sum())


def _firms(inputs: Inputs, paths: int, rng: np.random.Generator) -> I64:
    out = np.zeros((paths, len(inputs.years)), np.int64)
    steps = len(inputs.years) - 1
    live = np.flatnonzero(live_firms(inputs))
    if steps <= 0 or len(live) == 0:
        return out
    own = inputs.growth_count[live]
    small = (own > 0) & (own.astype(np.float64) ** steps <= MAX_FUTURES)
    if small.any():
        _enumerated(inputs, live[small], paths, rng, out)
    if (~small).any():
        _stepwise(inputs, live[~small], paths, rng, out)
    return out


MAX_FUTURES = 256  # a firm's possible futures enumerated when at most this many


def _path_awards(inputs: Inputs, firms: I64, factors: F64) -> I64:
    """[firm or future, year] milestone awards of revenue paths: factors[i, s] is the growth
    of the i-th row's firm in projected step s (fiscal year index s + 1)."""
    cls = inputs.firm_class[firms]
    rev = inputs.revenue[firms].astype(np.float64)
    best = np.maximum(inputs.best_before[firms], levels(inputs.thresholds, inputs.revenue[firms]))
    out = np.zeros((len(firms), len(inputs.years)), np.int64)
    for s in range(factors.shape[1]):
        rev = np.rint(rev * factors[:, s])
        lv = levels(inputs.thresholds, rev.astype(np.int64))
        out[:, s + 1] = _award(inputs, cls, s + 1, best, lv)
        best = np.maximum(best, lv)
    return out


def _enumerated(inputs: Inputs, firms: I64, paths: int, rng: np.random.Generator,
                out: I64) -> None:
    """Firms with few factors: each of a firm's c^steps futures (one factor per projected
    year, all equally likely, as drawing each year's factor uniformly) is priced once; each
    path then draws one future per firm."""
    steps = len(inputs.years) - 1
    count = inputs.growth_count[firms]
    futures = count ** steps
    width = int(futures.max())
    k = np.arange(width)
    row = np.repeat(np.arange(len(firms)), width)
    kk = np.tile(k, len(firms))
    valid = kk < futures[row]
    row, kk = row[valid], kk[valid]
    digits = np.stack([(kk // count[row] ** s) % count[row] for s in range(steps)], axis=1)
    factors = inputs.growth[inputs.growth_start[firms][row][:, None] + digits]
    priced = np.zeros((len(firms) * width, len(inputs.years)), np.int64)
    priced[row * width + kk] = _path_awards(inputs, firms[row], factors)
    by_year = [np.ascontiguousarray(priced[:, y]) for y in range(len(inputs.years))]
    base = (np.arange(len(firms)) * width).astype(np.int64)
    top = (futures - 1).astype(np.int64)
    scale = futures.astype(np.float32)
    chunk = max(1, CELLS_PER_CHUNK // len(firms))
    for lo in range(0, paths, chunk):
        hi = min(paths, lo + chunk)
        r = rng.random((hi - lo, len(firms)), dtype=np.float32)
        r *= scale
        pick = np.minimum(r.astype(np.int64), top)
        pick += base
        for y in range(1, len(inputs.years)):
            out[lo:hi, y] += np.take(by_year[y], pick).sum(axis=1)


def _stepwise(inputs: Inputs, firms: I64, paths: int, rng: np.random.Generator,
              out: I64) -> None:
    """Firms drawing from the pool (or with many factors): a factor per path, firm and year."""
    start = np.where(inputs.growth_count[firms] > 0, inputs.growth_start[firms], 0)
    count = np.where(inputs.growth_count[firms] > 0, inputs.growth_count[firms],
                     len(inputs.growth)).astype(np.int64)
    steps = len(inputs.years) - 1
    chunk = max(1, CELLS_PER_CHUNK // len(firms))
    for lo in range(0, paths, chunk):
        hi = min(paths, lo + chunk)
        picks = [start + (rng.random((hi - lo, len(firms))) * count).astype(np.int64)
                 for _ in range(steps)]
        factors = np.stack([inputs.growth[p] for p in picks], axis=2)  # [path, firm, step]
        awards = _path_awards(inputs, np.tile(firms, hi - lo),
                              factors.reshape(-1, steps))
        out[lo:hi] += awards.reshape(hi - lo, len(firms), -1).sum(axis=1)


def _entrants(inputs: Inputs, paths: int, rng: np.random.Generator) -> I64:
    out = np.zeros((paths, len(inputs.years)), np.int64)
    if len(inputs.entrant_counts) == 0 or len(inputs.entrant_revenue) == 0:
        return out
    for y in range(1, len(inputs.years)):
        n = inputs.entrant_counts[rng.integers(0, len(inputs.entrant_counts), paths)]
        revenue = inputs.entrant_revenue[rng.integers(0, len(inputs.entrant_revenue),
                                                      int(n.sum()))]
        lv = levels(inputs.thresholds, revenue)
        zero = np.zeros(len(lv), np.int64)
        cls = np.full(len(lv), inputs.entrant_class, np.int64)
        fen = _award(inputs, cls, y, zero, lv)
        out[:, y] = np.bincount(np.repeat(np.arange(paths), n), weights=fen,
                                minlength=paths).astype(np.int64)
    return out


def _events(inputs: Inputs, paths: int, rng: np.random.Generator) -> I64:
    years, clauses = len(inputs.years), len(inputs.clauses)
    out = np.zeros((paths, years, clauses), np.int64)
    k = len(inputs.rate)
    if k == 0:
        return out
    chunk = max(1, CELLS_PER_CHUNK // k)
    for y in range(years):
        values = inputs.values[:, y, :]
        exact = values.astype(np.float64)
        for lo in range(0, paths, chunk):
            hi = min(paths, lo + chunk)
            counts = rng.poisson(inputs.rate, (hi - lo, k))
            # BLAS in float64 is exact while every sum stays below 2^53 fen (9e13 yuan).
            if int(counts.sum(axis=1).max(initial=0)) * int(values.max(initial=0)) < EXACT:
                out[lo:hi, y, :] = np.rint(counts.astype(np.float64) @ exact).astype(np.int64)
            else:  # pragma: no cover - beyond any fund's size
                out[lo:hi, y, :] = counts.astype(np.int64) @ values
    return out
