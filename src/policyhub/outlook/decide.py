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
from policyhub.engine.request import PEOPLE
from policyhub.screen.encode import NS_REVENUE, NS_SHIFT, encode
from policyhub.screen.kernel import decide
from policyhub.screen.options import Options
from policyhub.screen.schema import (
    CLAUSES,
    EVENT_FIELDS,
    FEE_COLUMNS,
    FEE_EVENT_COLUMNS,
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


def credit_code(number: int) -> str:
    """A valid unified social credit code for the n-th synthetic applicant (the kernel checks
    it as it would a registry's): GB 11714 organisation code, then the GB 32100 check."""
    body = f"{number:08d}"[-8:]
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    first17 = "91430100" + body + {10: "X", 11: "0"}.get(check, str(check))
    return first17 + creditcode.check_character(first17)


def frame(applicants: list[tuple[Applicant, list[dict[str, Any]]]]) -> pl.DataFrame:
    """A screening events table (docs/screening.md), every cell as text, one applicant per
    item, its events in order; a fee event has one row per fee."""
    rows: list[dict[str, str | None]] = []
    for number, (who, events) in enumerate(applicants):
        head = {"applicant_id": f"A{number}", "kind": who.kind,
                "credit_code": credit_code(number) if who.kind not in PEOPLE else None,
                "registered_in_changsha": _text(who.registered_in_changsha),
                "taxed_in_changsha": _text(who.taxed_in_changsha),
                "cybersecurity_business": _text(who.cybersecurity_business)}
        for index, event in enumerate(events):
            kind = str(event["type"])
            row = {**head, "type": kind, "event_index": str(index),
                   "matter": _text(event.get("matter"))}
            for field, value in event.items():
                if field in ("type", "matter", "fees"):
                    continue
                row[FIELD_COLUMN.get((kind, field), field)] = _text(value)
            if kind == "platform_service_fees":
                for fee in event.get("fees", []):
                    rows.append({**row, **{column: _text(fee.get(field))
                                           for field, column in FEE_COLUMNS.items()}})
            else:
                rows.append(row)
    columns = sorted({c for r in rows for c in r})
    return pl.DataFrame({c: [r.get(c) for r in rows] for c in columns},
                        schema={c: pl.String for c in columns})


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
                        {"type": "annual_revenue", "year": year - 1, "amount": _yuan(before)},
                        {"type": "annual_revenue", "year": year, "amount": _yuan(int(thr[lv - 1]))},
                    ]))
                    cells.append((c, y, b, lv))
    g = granted(applicants, as_of, options)
    for app, fen, year in zip(g.app.tolist(), g.fen.tolist(), g.year.tolist(), strict=True):
        c, y, b, lv = cells[app]
        if year == fiscal_years[y]:
            table[c, y, b, lv] += fen
    return table


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def shift(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March (engine.rules.add_years)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def redate(event: dict[str, Any], years: int) -> dict[str, Any]:
    """The event with every date moved by `years` whole years."""
    out = dict(event)
    for field in ("date", *FEE_EVENT_COLUMNS):
        if isinstance(out.get(field), str) and field in ("date", "operation_start"):
            out[field] = shift(dt.date.fromisoformat(out[field]), years).isoformat()
    if "fees" in out:
        out["fees"] = [{**fee, "date": shift(dt.date.fromisoformat(fee["date"]), years)
                        .isoformat()} for fee in out["fees"]]
    return out


def event_year(event: dict[str, Any]) -> int:
    day = event.get("date") or event.get("operation_start")
    return dt.date.fromisoformat(str(day)).year


def event_values(templates: list[tuple[Applicant, dict[str, Any]]], years: list[int],
                 as_of: dt.date, options: dict[str, str] | None = None) -> I64:
    """values[template, year index, clause]: what each event is worth (fen) when it happens
    again in each of `years`, each event decided on its own."""
    values = np.zeros((len(templates), len(years), len(CLAUSES)), np.int64)
    applicants = [(who, [redate(event, year - event_year(event))])
                  for who, event in templates for year in years]
    g = granted(applicants, as_of, options)
    np.add.at(values.reshape(-1, len(CLAUSES)), (g.app, g.clause), g.fen)
    return values


__all__ = ["CLAUSES", "EVENT_FIELDS", "MILESTONE_CLAUSE", "Applicant", "event_values",
           "event_year", "granted", "levels", "milestone_table", "thresholds"]
