"""What each situation of the projection is worth, decided by the screening kernel.

The projection never prices a claim itself: every amount comes from `policyhub.screen.kernel`
(the vectorised engine, int64 fen), asked once per distinct situation, and the sampler only
counts situations. Two kinds of situation:

- a milestone step (二(四)): a firm of a given kind and scope whose best revenue level so far
  is `b` reaches level `l` in fiscal year F. The kernel decides a two-year applicant
  (F-1 at level b, F at level l) and we keep the award of year F: `table[class, F, b, l]`.
- a historical event re-dated into a projected budget year: each event is its own applicant
  (its owner's kind and scope flags), every date moved by whole years (29 Feb -> 1 Mar, as
  the engine's add_years), decided as of the end of the horizon. Its granted awards, by
  clause, are what the same event would be worth if it happened again that year.

No Django here: the inputs are plain dicts in the engine's vocabulary (registry.facts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from policyhub.engine import creditcode
from policyhub.engine.money import fmt, yuan
from policyhub.engine.request import PEOPLE
from policyhub.screen.encode import NS_REVENUE, NS_SHIFT, encode
from policyhub.screen.kernel import decide
from policyhub.screen.options import Options
from policyhub.screen.schema import (
    CLAUSES,
    EVENT_FIELDS,
    FEE_COLUMNS,
    RENAMED,
    RULE_CLAUSE,
    RULE_CODE,
)
from policyhub.screen.tables import tables

I64 = npt.NDArray[np.int64]
MILESTONE_CLAUSE = RULE_CLAUSE[RULE_CODE["P4.milestone"]]
# The kernel's clause of each rule code, as an index into CLAUSES.
RULE_CLAUSE_INDEX = np.array([CLAUSES.index(c) for c in RULE_CLAUSE], np.int64)
# Field name in a request -> column of the screening table (project_investment's `kind`).
FIELD_COLUMN = {(t, field): column for (t, field), column in RENAMED.items()}


@dataclass(frozen=True)
class Applicant:
    """The request's `applicant` part: kind and the three scope flags."""

    kind: str
    registered_in_changsha: bool = True
    taxed_in_changsha: bool = True
    cybersecurity_business: bool = True

    @property
    def key(self) -> tuple[str, bool, bool, bool]:
        return (self.kind, self.registered_in_changsha, self.taxed_in_changsha,
                self.cybersecurity_business)


def thresholds() -> I64:
    """Every milestone threshold (fen, ascending): a firm's level is how many it reaches."""
    return tables().milestones.all_thresholds.astype(np.int64)


def levels(revenue_fen: I64) -> I64:
    """The milestone level of each revenue (the kernel's own reading: side right)."""
    return np.searchsorted(thresholds(), revenue_fen, side="right").astype(np.int64)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _credit_code() -> str:
    """One valid unified social credit code for every synthetic organisation (the encoder
    checks it as it would a registry's; applicants are told apart by their ids)."""
    body = "43010001"
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    first17 = "91430100" + body + {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    return first17 + creditcode.check_character(first17)


CREDIT_CODE = _credit_code()


def frame(applicants: list[tuple[Applicant, list[dict[str, Any]]]]) -> pl.DataFrame:
    """A screening events table (docs/screening.md), every cell as text, one applicant per
    item, its events in order; a fee event has one row per fee (and needs one fee)."""
    columns: dict[str, list[str | None]] = {}
    rows = 0

    def put(column: str, value: str | None) -> None:
        cells = columns.get(column)
        if cells is None:
            cells = columns[column] = [None] * rows
        cells.append(value)

    for number, (who, events) in enumerate(applicants):
        head = {"applicant_id": f"A{number}", "kind": who.kind,
                "credit_code": None if who.kind in PEOPLE else CREDIT_CODE,
                "registered_in_changsha": _text(who.registered_in_changsha),
                "taxed_in_changsha": _text(who.taxed_in_changsha),
                "cybersecurity_business": _text(who.cybersecurity_business)}
        for index, event in enumerate(events):
            kind = str(event["type"])
            row = {**head, "type": kind, "event_index": str(index),
                   "matter": _text(event.get("matter"))}
            for field, value in event.items():
                if field not in ("type", "matter", "fees"):
                    row[FIELD_COLUMN.get((kind, field), field)] = _text(value)
            fees = event.get("fees", []) if kind == "platform_service_fees" else [None]
            for fee in fees:
                cells = row if fee is None else {**row, **{
                    column: _text(fee.get(field)) for field, column in FEE_COLUMNS.items()}}
                for column, value in cells.items():
                    put(column, value)
                rows += 1
                for cells_ in columns.values():
                    if len(cells_) < rows:
                        cells_.append(None)
    return pl.DataFrame({c: columns[c] for c in sorted(columns)},
                        schema={c: pl.String for c in sorted(columns)})


@dataclass(frozen=True)
class Granted:
    """The granted awards of one kernel run: applicant number, clause index, fen, and the
    revenue year of a milestone award (0 otherwise)."""

    app: I64
    clause: I64
    fen: I64
    year: I64
    apps: int


def granted(applicants: list[tuple[Applicant, list[dict[str, Any]]]], as_of: dt.date,
            options: dict[str, str] | None = None) -> Granted:
    if not applicants:
        empty = np.zeros(0, np.int64)
        return Granted(empty, empty, empty, empty, 0)
    batch = encode(frame(applicants))
    d = decide(batch, Options(as_of=as_of, **(options or {})))
    keep = np.flatnonzero(d.award_excluded_by < 0)
    matter = d.award_matter[keep]
    revenue = (matter >> NS_SHIFT) == NS_REVENUE
    year = np.where(revenue, matter & ((1 << NS_SHIFT) - 1), 0)
    return Granted(d.award_app[keep], RULE_CLAUSE_INDEX[d.award_rule[keep]], d.award_fen[keep],
                   year, batch.apps)


def milestone_table(classes: list[Applicant], fiscal_years: list[int], as_of: dt.date,
                    options: dict[str, str] | None = None) -> I64:
    """table[class, fiscal year index, b, l]: the 二(四) award (fen) when a firm of that class
    whose best level so far is b has level l in that fiscal year (zero unless l > b)."""
    thr = thresholds()
    top = len(thr)
    table = np.zeros((len(classes), len(fiscal_years), top + 1, top + 1), np.int64)
    cells: list[tuple[int, int, int, int]] = []
    applicants: list[tuple[Applicant, list[dict[str, Any]]]] = []
    for c, who in enumerate(classes):
        for y, year in enumerate(fiscal_years):
            for b in range(top + 1):
                for lv in range(b + 1, top + 1):
                    before = int(thr[b - 1]) if b else 0
                    applicants.append((who, [
                        {"type": "annual_revenue", "year": year - 1, "amount": fmt(yuan(before))},
                        {"type": "annual_revenue", "year": year,
                         "amount": fmt(yuan(int(thr[lv - 1])))},
                    ]))
                    cells.append((c, y, b, lv))
    g = granted(applicants, as_of, options)
    for app, fen, year in zip(g.app.tolist(), g.fen.tolist(), g.year.tolist(), strict=True):
        c, y, b, lv = cells[app]
        if year == fiscal_years[y]:
            table[c, y, b, lv] += fen
    return table


def event_year(event: dict[str, Any]) -> int:
    day = event.get("date") or event.get("operation_start")
    return dt.date.fromisoformat(str(day)).year


DATE_COLUMNS = ("date", "operation_start", "fee_date")


def _shifted(column: str, years: pl.Expr) -> pl.Expr:
    """A text date column moved by `years` whole years; 29 February becomes 1 March in a
    year that has none (engine.rules.add_years)."""
    day = pl.col(column).str.to_date("%Y-%m-%d")
    year = day.dt.year() + years
    feb29 = (day.dt.month() == 2) & (day.dt.day() == 29)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    lost = feb29 & ~leap
    moved = pl.date(year, day.dt.month(), pl.when(lost).then(28).otherwise(day.dt.day()))
    moved = pl.when(lost).then(moved + pl.duration(days=1)).otherwise(moved)
    return moved.dt.to_string("%Y-%m-%d").alias(column)


def event_values(templates: list[tuple[Applicant, dict[str, Any]]], years: list[int],
                 as_of: dt.date, options: dict[str, str] | None = None) -> I64:
    """values[template, year index, clause]: what each event is worth (fen) when it happens
    again in each of `years`, each event decided on its own. The table is built once and
    its dates moved per year in Polars."""
    values = np.zeros((len(years), len(templates), len(CLAUSES)), np.int64)
    usable = [i for i, (_, e) in enumerate(templates)
              if e["type"] != "platform_service_fees" or e.get("fees")]
    if not usable or not years:
        return values.transpose(1, 0, 2).copy()
    base = frame([(templates[i][0], [templates[i][1]]) for i in usable])
    dates = [c for c in DATE_COLUMNS if c in base.columns]
    own = pl.coalesce([pl.col(c) for c in ("date", "operation_start") if c in base.columns])
    base = base.with_columns(own.str.slice(0, 4).cast(pl.Int32).alias("_year"))
    parts = [base.with_columns(*(_shifted(c, year - pl.col("_year")) for c in dates),
                               (pl.col("applicant_id") + f"-{y}").alias("applicant_id"))
             for y, year in enumerate(years)]
    batch = encode(pl.concat(parts).drop("_year"))
    d = decide(batch, Options(as_of=as_of, **(options or {})))
    keep = np.flatnonzero(d.award_excluded_by < 0)
    app = d.award_app[keep]
    index = np.array(usable, np.int64)
    np.add.at(values, (app // len(usable), index[app % len(usable)],
                       RULE_CLAUSE_INDEX[d.award_rule[keep]]), d.award_fen[keep])
    return values.transpose(1, 0, 2).copy()


__all__ = ["CLAUSES", "EVENT_FIELDS", "MILESTONE_CLAUSE", "Applicant", "event_values",
           "event_year", "granted", "levels", "milestone_table", "thresholds"]
