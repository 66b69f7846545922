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
import re
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from policyhub.engine import evaluate, meta
from policyhub.engine.money import yuan as yuan  # (re-exported: pages and workbooks)
from policyhub.engine.params import ParameterSet, law, using
from policyhub.screen.encode import Batch, encode
from policyhub.screen.kernel import Decisions, decide, exact_bincount
from policyhub.screen.normalised import Tables, wide
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
Rows = pl.DataFrame | Tables  # whole applicants: a wide frame, or a normalised input's batch
EVENT_SHIFT = 24  # award key = applicant << EVENT_SHIFT | event_index


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


def clause_name(clause: str) -> str:
    """A clause with the Chinese labels of its rules: 二(七) 重点项目建设资金补助 (no rule id)."""
    labels = [meta.rule(r).label for r in meta.rules() if meta.rule(r).clause == clause]
    return f"{clause} {'、'.join(dict.fromkeys(labels))}"


# Engine texts name an option or a rule id here and there ("（选项 milestone_jump=highest，…）",
# "由P4.milestone替代"); a person reads neither (web.labels.readable does the same for pages;
# this package has no Django, so it cannot import it).
_OPTION_IN_TEXT = re.compile(r"选项 [a-z_]+=[a-z_]+[：，]")
_RULE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_.])P\d{1,2}\.[a-z][a-z_]*")


def readable(text: str) -> str:
    text = _OPTION_IN_TEXT.sub("", text)
    return _RULE_IN_TEXT.sub(lambda m: f"“{_label(m.group(0))}”", text)


def _label(rule: str) -> str:
    try:
        return meta.rule(rule).label
    except KeyError:
        return "其他规则"


def baseline_options(as_of: dt.date, options: dict[str, str] | None = None) -> Options:
    return Options(as_of=as_of, **(options or {}))


def scenario_options(scenario: Scenario, as_of: dt.date) -> Options:
    return Options(as_of=as_of, **scenario.options)


@dataclass
class Partial:
    """What one frame contributes, computed in a worker thread; merged in input order."""

    applicants: int
    base_total: I64
    scen_total: I64
    tallies: dict[str, dict[str, tuple[int, int, int, int]]]  # dim -> key -> both sides
    moved: pl.DataFrame  # applicant_id, name, district, park, base, scen, change
    rows: pl.DataFrame | None  # the input rows of the largest changes (to explain)


class Simulation:
    """Feed frames with `add` (or `run` for many, two at a time); `finish` explains the
    listed applicants and gives the Report."""

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

    def decide(self, frame: Rows, *, first_row: int = 0) -> tuple[Decisions, Decisions]:
        """Both decisions of one frame (ScreenInputError on bad input)."""
        return self._decide(encode(frame, first_row=first_row))

    def _decide(self, batch: Batch) -> tuple[Decisions, Decisions]:
        # the parameter set is chosen per call and per thread (a context variable)
        with using(law()):
            base = decide(batch, self.base_options)
        with using(self.chosen):
            scen = decide(batch, self.scen_options)
        return base, scen

    def add(self, frame: Rows, *, first_row: int = 0) -> None:
        self.merge(self.compute(frame, first_row, self._bar()))

    def _bar(self) -> tuple[int, str] | None:
        """(change, applicant_id) of the last applicant explained so far, when the list to
        explain is full: a batch keeps the rows of only those who could still enter it."""
        if self._listed is None or self._listed.height < self.explain or not self.explain:
            return None
        last = self._listed.row(self.explain - 1, named=True)
        return int(last["change"]), str(last["applicant_id"])

    def run(self, frames: Iterable[Rows]) -> Report:
        """Every frame, decided two at a time (NumPy and Polars release the GIL, as in
        `policyhub screen`), merged in input order; then `finish`."""
        row = 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending: deque[Future[Partial]] = deque()
            for frame in frames:
                pending.append(pool.submit(self.compute, frame, row, self._bar()))
                row += frame.height
                del frame
                if len(pending) >= 2:
                    self.merge(pending.popleft().result())
            while pending:
                self.merge(pending.popleft().result())
        return self.finish()

    def compute(self, frame: Rows, first_row: int = 0,
                bar: tuple[int, str] | None = None) -> Partial:
        batch = encode(frame, first_row=first_row)
        base, scen = self._decide(batch)
        starts = _starts(frame)
        assert len(starts) == batch.apps
        district, park = _place(frame, starts)
        years = _event_years(batch)
        tallies: dict[str, dict[str, tuple[int, int, int, int]]] = {}
        sides = [_tally(d, years, district, park) for d in (base, scen)]
        for dim in DIMENSIONS:
            a, b = sides[0][dim], sides[1][dim]
            tallies[dim] = {k: (*a.get(k, (0, 0)), *b.get(k, (0, 0))) for k in a | b}
        diff = scen.total - base.total
        moved = np.flatnonzero(diff)
        take = pl.Series(moved)
        names = batch.names.cast(pl.String).gather(take).fill_null("") if batch.names \
            is not None else pl.Series([""] * len(moved), dtype=pl.String)
        found = pl.DataFrame({
            "applicant_id": batch.app_ids.cast(pl.String).gather(take), "name": names,
            "district": district[1].gather(pl.Series(district[0][moved])),
            "park": park[1].gather(pl.Series(park[0][moved])),
            "base": base.total[moved], "scen": scen.total[moved],
            "change": np.abs(diff[moved])})
        found = found.with_columns(at=pl.Series(moved, dtype=pl.Int64)).sort(
            ["change", "applicant_id"], descending=[True, False])
        top = found.head(self.explain)
        if bar is not None:
            top = top.filter((pl.col("change") > bar[0]) | (
                (pl.col("change") == bar[0]) & (pl.col("applicant_id") <= bar[1])))
        rows = _rows_of(frame, starts, top["at"].to_list()) if top.height else None
        return Partial(batch.apps, base.total, scen.total, tallies,
                       found.head(LIST_MAX).drop("at"), rows)

    def merge(self, part: Partial) -> None:
        r = self.report
        r.applicants += part.applicants
        r.base_fen += int(part.base_total.sum())
        r.scen_fen += int(part.scen_total.sum())
        r.base_beneficiaries += int((part.base_total > 0).sum())
        r.scen_beneficiaries += int((part.scen_total > 0).sum())
        diff = part.scen_total - part.base_total
        r.gainers += int((diff > 0).sum())
        r.losers += int((diff < 0).sum())
        if r.gainers or r.losers:
            r.diffs.append(diff[diff != 0])
        for dim, cells in part.tallies.items():
            for key, (bf, bc, sf, scount) in cells.items():
                cell = r.breakdown[dim].setdefault(key, Cell())
                cell.base_fen += bf
                cell.base_count += bc
                cell.scen_fen += sf
                cell.scen_count += scount
        if part.moved.height:
            both = part.moved if self._listed is None else pl.concat([self._listed, part.moved])
            self._listed = both.sort(["change", "applicant_id"],
                                     descending=[True, False]).head(LIST_MAX)
        if part.rows is not None:
            self._rows.append(part.rows)

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
                if mine.height:
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
            out.append([f"{meta.rule(a['rule']).label}（{a['clause']}）："
                        f"{readable(a['explanation'])}"
                        for a in decision["awards"] if a["status"] == "granted"])
        return out[0], out[1]


Coded = tuple[npt.NDArray[np.intp], pl.Series]  # per applicant: a code into the labels


def _starts(frame: Rows) -> npt.NDArray[np.int64]:
    """Each applicant's first row (rows of one applicant are contiguous); a normalised
    batch's applicants table has one row per applicant."""
    if isinstance(frame, Tables):
        return np.arange(frame.applicants.height, dtype=np.int64)
    ids = frame.get_column("applicant_id").cast(pl.String)
    return np.flatnonzero(np.asarray((ids != ids.shift(1)).fill_null(True))).astype(np.int64)


def _rows_of(frame: Rows, starts: npt.NDArray[np.int64], apps: list[int]) -> pl.DataFrame:
    """The input rows of the applicants numbered `apps`, as one wide Polars frame."""
    if isinstance(frame, Tables):  # only the listed applicants are made wide
        keep = np.asarray(apps, np.int64)
        mask = np.isin(frame.app, keep)
        renumber = np.full(frame.applicants.height, -1, np.int64)
        renumber[keep] = np.arange(len(keep), dtype=np.int64)
        sub = Tables(applicants=frame.applicants[pl.Series(keep)],
                     events=frame.events.filter(pl.Series(mask)),
                     app=renumber[frame.app[mask]])
        return wide(sub)
    ends = [*starts[1:].tolist(), frame.height]
    return pl.concat([frame.slice(int(starts[a]), int(ends[a] - starts[a])) for a in apps])


def _place(frame: Rows, starts: npt.NDArray[np.int64]) -> tuple[Coded, Coded]:
    """District and park per applicant (optional columns of the same names, read from each
    applicant's first row; UNKNOWN when absent or empty)."""
    apps = len(starts)
    first = pl.Series(starts)
    source = frame.applicants if isinstance(frame, Tables) else frame

    def coded(name: str) -> Coded:
        if name not in source.columns:
            return np.zeros(apps, np.intp), pl.Series([UNKNOWN], dtype=pl.String)
        values = source.get_column(name).cast(pl.String).gather(first).fill_null("").to_numpy()
        labels, codes = np.unique(values.astype(str), return_inverse=True)
        shown = [str(v) if v else UNKNOWN for v in labels]
        return codes.astype(np.intp), pl.Series(shown, dtype=pl.String)

    return coded("district"), coded("park")


def _event_years(batch: Batch) -> Any:
    """A function (applicant numbers, event indices) -> each award's year: the revenue year
    of a milestone award (its matter revenue-Y), else the year of the event's date (a fee
    event's: its earliest fee's)."""
    apps, evs, years = [batch.revenue.app], [batch.revenue.ev], [batch.revenue.fields["year"]]
    for typed in batch.events.values():
        if "date" in typed.fields:
            apps.append(typed.app)
            evs.append(typed.ev)
            years.append(_year_of_days(typed.fields["date"]))
    fees = batch.fees
    if len(fees.event):  # the fees of one event are contiguous: their earliest day
        order = np.argsort(fees.event, kind="stable")
        event, day = fees.event[order], fees.day[order]
        starts = np.flatnonzero(np.r_[True, event[1:] != event[:-1]])
        apps.append(fees.events.app[event[starts]])
        evs.append(fees.events.ev[event[starts]])
        years.append(_year_of_days(np.minimum.reduceat(day, starts)))
    keys = np.concatenate([(a.astype(np.int64) << EVENT_SHIFT) | e for a, e in zip(
        apps, evs, strict=True)])
    values = np.concatenate([np.asarray(y, np.int64) for y in years])
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]

    def lookup(app: I64, ev: I64) -> I64:
        if len(keys) == 0:
            return np.zeros(len(app), np.int64)
        at = np.minimum(np.searchsorted(keys, (app << EVENT_SHIFT) | ev), len(keys) - 1)
        out: I64 = values[at]
        return out

    return lookup


def _year_of_days(days: I64) -> I64:
    out: I64 = np.asarray(days, np.int64).astype("datetime64[D]").astype(
        "datetime64[Y]").astype(np.int64) + 1970
    return out


def _tally(d: Decisions, years: Any, district: Coded, park: Coded
           ) -> dict[str, dict[str, tuple[int, int]]]:
    """Per dimension and key: (granted fen, beneficiaries) of one side of one batch."""
    ok = np.flatnonzero(d.award_excluded_by < 0)
    app, fen = d.award_app[ok], d.award_fen[ok]
    apps = len(d.total)
    out: dict[str, dict[str, tuple[int, int]]] = {}
    clause = np.take(CLAUSE_OF_RULE, d.award_rule[ok])
    year = years(app, d.award_event[ok])
    low = int(year.min()) if len(year) else 0
    for dim, codes, labels in (
            ("clause", clause, list(CLAUSES)),
            ("year", year - low, [str(low + i) for i in range(int(year.max()) - low + 1)]
             if len(year) else [])):
        size = len(labels)
        sums = exact_bincount(codes, fen, size)
        seen = np.zeros((apps, max(size, 1)), np.bool_)
        seen[app, codes] = True
        counts = seen.sum(axis=0)
        out[dim] = {labels[i]: (int(sums[i]), int(counts[i])) for i in range(size)
                    if counts[i]}
    paid = np.flatnonzero(d.total > 0)
    for dim, (codes, names) in (("district", district), ("park", park)):
        size = len(names)
        sums = exact_bincount(codes[paid].astype(np.int64), d.total[paid], size)
        counts = np.bincount(codes[paid], minlength=size)
        out[dim] = {str(names[i]): (int(sums[i]), int(counts[i])) for i in range(size)
                    if counts[i]}
    return out


def simulate(frames: Iterable[Rows], scenario: Scenario, as_of: dt.date, *,
             baseline: dict[str, str] | None = None, explain: int = EXPLAIN_MAX) -> Report:
    """The report of `frames` (each whole applicants) under the law and `scenario`."""
    return Simulation(scenario, as_of, baseline=baseline, explain=explain).run(frames)
