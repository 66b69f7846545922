"""Decide screening frames under the law and under a scenario, and compare (docs/simulation.md).

Each frame (whole applicants, the events table of docs/screening.md) is encoded once and
decided twice by the screening kernel: with the law's parameter tables and the default
options, then with the scenario's (`params.using`). Only aggregates are kept — cost and
beneficiaries by clause, year, district and park on both sides, every applicant's change —
and the applicants who gain or lose most, with their rows so the engine can explain both
decisions. Amounts are int64 fen throughout; the report turns them into Decimal yuan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from policyhub.engine import evaluate, meta
from policyhub.engine.params import ParameterSet, law, using
from policyhub.screen.encode import encode
from policyhub.screen.kernel import Decisions, decide
from policyhub.screen.options import Options
from policyhub.screen.requests import to_requests
from policyhub.screen.schema import CLAUSES, RULE_CLAUSE
from policyhub.simulate.scenario import Scenario, apply

I64 = npt.NDArray[np.int64]
DIMENSIONS = ("clause", "year", "district", "park")
CLAUSE_OF_RULE = np.array([CLAUSES.index(c) for c in RULE_CLAUSE], np.int64)
LIST_MAX = 2000  # gainers and losers listed (the largest changes first)
EXPLAIN_MAX = 50  # of those, explained by the engine (both decisions)
UNKNOWN = "（未登记）"
EVENT_SHIFT = 24  # award key = applicant << EVENT_SHIFT | event_index


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


@dataclass
class Cell:
    """One row of a breakdown: both sides' cost (fen) and beneficiaries."""

    base_fen: int = 0
    base_count: int = 0
    scen_fen: int = 0
    scen_count: int = 0

    @property
    def diff_fen(self) -> int:
        return self.scen_fen - self.base_fen


@dataclass
class Changed:
    """An applicant whose total differs; `base`/`scenario` are the engine's explanations."""

    applicant_id: str
    name: str
    district: str
    park: str
    base_fen: int
    scen_fen: int
    base: list[str] = field(default_factory=list)
    scenario: list[str] = field(default_factory=list)

    @property
    def diff_fen(self) -> int:
        return self.scen_fen - self.base_fen


@dataclass
class Report:
    scenario: Scenario
    as_of: dt.date
    applicants: int = 0
    base_fen: int = 0
    scen_fen: int = 0
    base_beneficiaries: int = 0
    scen_beneficiaries: int = 0
    gainers: int = 0
    losers: int = 0
    breakdown: dict[str, dict[str, Cell]] = field(
        default_factory=lambda: {d: {} for d in DIMENSIONS})
    diffs: list[I64] = field(default_factory=list)  # every non-zero change, fen
    changed: list[Changed] = field(default_factory=list)  # the largest, sorted

    @property
    def diff_fen(self) -> int:
        return self.scen_fen - self.base_fen

    def all_diffs(self) -> I64:
        return np.concatenate(self.diffs) if self.diffs else np.zeros(0, np.int64)

    def rows(self, dimension: str) -> list[tuple[str, Cell]]:
        cells = self.breakdown[dimension]
        if dimension == "clause":
            return [(c, cells[c]) for c in CLAUSES if c in cells]
        return sorted(cells.items())


def baseline_options(as_of: dt.date, options: dict[str, str] | None = None) -> Options:
    return Options(as_of=as_of, **(options or {}))


def scenario_options(scenario: Scenario, as_of: dt.date) -> Options:
    return Options(as_of=as_of, **scenario.options)


class Simulation:
    """Feed frames with `add`; `finish` explains the listed applicants and gives the Report."""

    def __init__(self, scenario: Scenario, as_of: dt.date, *,
                 baseline: dict[str, str] | None = None,
                 explain: int = EXPLAIN_MAX) -> None:
        self.scenario = scenario
        self.chosen: ParameterSet = apply(scenario)
        self.base_options = baseline_options(as_of, baseline)
        self.scen_options = scenario_options(scenario, as_of)
        self.report = Report(scenario, as_of)
        self.explain = explain
        self._listed: pl.DataFrame | None = None
        self._rows: list[pl.DataFrame] = []

    def decide(self, frame: pl.DataFrame, *, first_row: int = 0) -> tuple[Decisions, Decisions]:
        """Both decisions of one frame (ScreenInputError on bad input)."""
        batch = encode(frame, first_row=first_row)
        with using(law()):
            base = decide(batch, self.base_options)
        with using(self.chosen):
            scen = decide(batch, self.scen_options)
        return base, scen

    def add(self, frame: pl.DataFrame, *, first_row: int = 0) -> None:
        base, scen = self.decide(frame, first_row=first_row)
        side = _applicants(frame)
        r = self.report
        r.applicants += side.height
        r.base_fen += int(base.total.sum())
        r.scen_fen += int(scen.total.sum())
        r.base_beneficiaries += int((base.total > 0).sum())
        r.scen_beneficiaries += int((scen.total > 0).sum())
        years = _event_years(frame)
        for name, d in (("base", base), ("scen", scen)):
            self._tally(name, d, side, years)
        diff = scen.total - base.total
        moved = np.flatnonzero(diff)
        r.gainers += int((diff > 0).sum())
        r.losers += int((diff < 0).sum())
        if len(moved):
            r.diffs.append(diff[moved])
            self._keep(frame, side, base.total, scen.total, moved)

    def _tally(self, name: str, d: Decisions, side: pl.DataFrame, years: Any) -> None:
        ok = np.flatnonzero(d.award_excluded_by < 0)
        app = d.award_app[ok]
        awards = pl.DataFrame({
            "app": app,
            "fen": d.award_fen[ok],
            "clause": pl.Series(np.take(CLAUSE_OF_RULE, d.award_rule[ok])).replace_strict(
                dict(enumerate(CLAUSES)), return_dtype=pl.String),
            "year": years(app, d.award_event[ok]),
        }).with_columns(
            district=side["district"].gather(app), park=side["park"].gather(app))
        for dim in DIMENSIONS:
            grouped = awards.group_by(dim).agg(pl.col("fen").sum(), pl.col("app").n_unique())
            cells = self.report.breakdown[dim]
            for key, fen, count in grouped.iter_rows():
                cell = cells.setdefault(str(key), Cell())
                if name == "base":
                    cell.base_fen += int(fen)
                    cell.base_count += int(count)
                else:
                    cell.scen_fen += int(fen)
                    cell.scen_count += int(count)

    def _keep(self, frame: pl.DataFrame, side: pl.DataFrame, base: I64, scen: I64,
              moved: npt.NDArray[np.intp]) -> None:
        found = side[moved].with_columns(base=pl.Series(base[moved]),
                                         scen=pl.Series(scen[moved]))
        found = found.with_columns(change=(pl.col("scen") - pl.col("base")).abs())
        both = found if self._listed is None else pl.concat([self._listed, found])
        self._listed = both.sort(["change", "applicant_id"], descending=[True, False]).head(
            LIST_MAX)
        top = set(self._listed.head(self.explain)["applicant_id"].to_list())
        mine = [i for i in found["applicant_id"].to_list() if i in top]
        if mine:
            ids = frame["applicant_id"].cast(pl.String)
            self._rows.append(frame.filter(ids.is_in(mine)))

    def finish(self) -> Report:
        r = self.report
        if self._listed is None:
            return r
        rows = pl.concat(self._rows, how="diagonal_relaxed") if self._rows else None
        for i, row in enumerate(self._listed.iter_rows(named=True)):
            item = Changed(row["applicant_id"], row["name"] or "", row["district"],
                           row["park"], int(row["base"]), int(row["scen"]))
            if i < self.explain and rows is not None:
                mine = rows.filter(rows["applicant_id"].cast(pl.String) == item.applicant_id)
                item.base, item.scenario = self.explanations(mine)
            r.changed.append(item)
        return r

    def explanations(self, rows: pl.DataFrame) -> tuple[list[str], list[str]]:
        """The engine's explanation of each granted award, under the law and the scenario."""
        out: list[list[str]] = []
        for chosen, options in ((law(), self.base_options), (self.chosen, self.scen_options)):
            request = to_requests(rows, as_of=options.as_of, dedup_scope=options.dedup_scope,
                                  milestone_jump=options.milestone_jump)[0]
            with using(chosen):
                decision = evaluate(request, today=options.as_of)
            out.append([f"{meta.rule(a['rule']).label}（{a['clause']}）：{a['explanation']}"
                        for a in decision["awards"] if a["status"] == "granted"])
        return out[0], out[1]


def _applicants(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per applicant in input order: id, name, district, park (the last two from
    optional columns of the same names; empty when absent)."""
    ids = frame["applicant_id"].cast(pl.String)
    first = np.flatnonzero(np.asarray((ids != ids.shift(1)).fill_null(True)))
    take = pl.Series(first)

    def column(name: str) -> pl.Series:
        if name not in frame.columns:
            return pl.Series(name, [UNKNOWN if name != "name" else ""] * len(first), pl.String)
        values = frame[name].cast(pl.String).gather(take)
        blank = "" if name == "name" else UNKNOWN
        return values.fill_null(blank).replace("", blank).rename(name)

    return pl.DataFrame([ids.gather(take).rename("applicant_id"), column("name"),
                         column("district"), column("park")])


def _event_years(frame: pl.DataFrame) -> Any:
    """A function (applicant codes, event indices) -> each award's year: the revenue year of
    a milestone award (its matter revenue-Y), else the year of the event's date."""
    ids = frame["applicant_id"].cast(pl.String)
    app = np.cumsum(np.asarray((ids != ids.shift(1)).fill_null(True))) - 1
    index = frame["event_index"].cast(pl.Int64, strict=False) if "event_index" in frame.columns \
        else pl.Series([None] * frame.height, dtype=pl.Int64)
    year = pl.Series([None] * frame.height, dtype=pl.Int64)
    if "date" in frame.columns:
        year = frame["date"].cast(pl.String).str.slice(0, 4).cast(pl.Int64, strict=False)
    if "year" in frame.columns:
        revenue = frame["year"].cast(pl.String).cast(pl.Int64, strict=False)
        year = revenue.fill_null(year) if "date" in frame.columns else revenue
    if "fee_date" in frame.columns:  # a fee event has no date of its own: its first fee's
        fee = frame["fee_date"].cast(pl.String).str.slice(0, 4).cast(pl.Int64, strict=False)
        year = year.fill_null(fee)
    given = np.asarray(index.is_not_null())
    keys = (app[given].astype(np.int64) << EVENT_SHIFT) | np.asarray(
        index.filter(index.is_not_null()), np.int64)
    values = np.asarray(year.filter(pl.Series(given)).fill_null(0), np.int64)
    keys, first = np.unique(keys, return_index=True)
    values = values[first]

    def lookup(apps: I64, events: I64) -> pl.Series:
        wanted = (apps << EVENT_SHIFT) | events
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        found = values[at] if len(keys) else np.zeros(len(wanted), np.int64)
        return pl.Series(np.where(found > 0, found.astype(str), UNKNOWN), dtype=pl.String)

    return lookup


def simulate(frames: Iterable[pl.DataFrame], scenario: Scenario, as_of: dt.date, *,
             baseline: dict[str, str] | None = None, explain: int = EXPLAIN_MAX) -> Report:
    """The report of `frames` (each whole applicants) under the law and `scenario`."""
    run = Simulation(scenario, as_of, baseline=baseline, explain=explain)
    row = 0
    for frame in frames:
        run.add(frame, first_row=row)
        row += frame.height
    return run.finish()
