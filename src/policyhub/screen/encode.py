"""Validate an events table and encode it as integer arrays for the kernel.

The rows of one applicant must be contiguous (that is what makes any partition of whole
applicants decidable on its own); within an applicant, rows may come in any order of
`event_index`, and each applicant's indices must be 0, 1, 2, … without gaps, as in a request.
Every problem is collected with its row and column; any problem refuses the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from policyhub.engine import creditcode
from policyhub.engine.request import EVENT_TYPES, KINDS, SCOPE_FLAGS, YEAR_MAX, YEAR_MIN
from policyhub.screen import parse
from policyhub.screen.normalised import Tables
from policyhub.screen.problems import Problems, ScreenInputError, raise_if
from policyhub.screen.schema import (
    APPLICANT_COLUMNS,
    CHOICES,
    COLUMNS,
    EVENT_FIELDS,
    FEE_EVENT_COLUMNS,
    FIXED_MATTERS,
    OPTIONAL_FIELDS,
    PEOPLE_CODES,
    REQUIRED_COLUMNS,
    TYPE_CODE,
    Kind,
)

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Values = npt.NDArray[Any]  # int64 (fen, days, codes) or bool

# Matter keys (int64, unique within an applicant): the namespace in bits 40+, then the value.
NS_SHIFT = 40
NS_OWN = 0  # an event without a matter: value = its event_index; label "event-<index>"
NS_REVENUE = 1  # "revenue-<year>": value = the year (given ids spelled so land here too)
NS_GIVEN = 2  # any other given id: value = its index in Batch.matters
REVENUE_PREFIX, YEAR_DIGITS = "revenue-", 4  # "revenue-<year>", as the engine names them
REVENUE_ID = rf"^{REVENUE_PREFIX}[1-9][0-9]{{{YEAR_DIGITS - 1}}}$"
HASH_SEED = 20190801  # applicant id hashes: within a batch here, across batches in the CLI
FEES = TYPE_CODE["platform_service_fees"]
REVENUE = TYPE_CODE["annual_revenue"]


def id_hashes(ids: pl.Series) -> npt.NDArray[np.uint64]:
    """The 64-bit hashes of applicant ids (text), sorted: equal ids have equal hashes."""
    hashes: npt.NDArray[np.uint64] = np.sort(ids.hash(seed=HASH_SEED).to_numpy())
    return hashes


@dataclass
class Typed:
    """The events of one type, in (applicant, event_index) order; one entry per event."""

    app: I64  # applicant number within the batch
    ev: I64  # event_index
    row: I64  # the event's first row (0-based, in the frame)
    matter: I64  # matter key
    fields: dict[str, Values] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.app)


@dataclass
class Fees:
    """platform_service_fees: the events (`events.fields` has the per-event columns) and one
    entry per fee, in event and row order; `event` is the fee's index into `events`."""

    events: Typed
    event: I64
    day: I64
    fen: I64


@dataclass
class Batch:
    """One frame, validated: whole applicants and their events as integer arrays."""

    apps: int
    app_ids: pl.Series  # applicant_id per applicant, in input order
    names: pl.Series | None
    in_scope: Bools
    kind: I64  # per applicant: its index in KINDS
    revenue: Typed  # sorted by (applicant, year); fields "year", "amount"
    events: dict[int, Typed]  # by type code, other than revenue and fees
    fees: Fees
    matters: pl.Series  # the given matter ids (key value -> id) of NS_GIVEN keys
    app_hashes: npt.NDArray[np.uint64] | None = None  # app_ids' hashes (HASH_SEED), sorted
    # The matters the text fixes (FIXED_MATTERS) -> their keys, for the types with events.
    fixed: dict[str, int] = field(default_factory=dict)


def fixed_matters(matters: pl.Series, present: set[int]) -> tuple[pl.Series, dict[str, int]]:
    """The given ids with the fixed matters of the types in `present` (type codes) added
    where no event gave them, and their keys: an event that names `talent` shares the
    matter of the talent award (contract, "Matters")."""
    wanted = [name for name, type_name in FIXED_MATTERS.items()
              if TYPE_CODE[type_name] in present]
    if not wanted:
        return matters, {}
    text = matters.cast(pl.String)
    index = {name: int(found[0]) for name in wanted
             if len(found := (text == name).arg_true())}
    added = [name for name in wanted if name not in index]
    for i, name in enumerate(added):
        index[name] = len(matters) + i
    if added:
        matters = pl.concat([text.rename("matter"), pl.Series("matter", added, pl.String)])
    return matters, {name: (NS_GIVEN << NS_SHIFT) | i for name, i in index.items()}


def local_sort(app: I64, key: I64, *, strict: bool = False) -> I64 | None:
    """A permutation sorting rows by (app, key), given rows grouped by app, that moves only
    the applicants out of order (None when none is); `strict` also moves equal keys."""
    same = app[1:] == app[:-1]
    late = key[1:] <= key[:-1] if strict else key[1:] < key[:-1]
    bad = same & late
    if not bad.any():
        return None
    flagged = np.zeros(int(app[-1]) + 1, np.bool_)
    flagged[app[1:][bad]] = True
    sel = np.flatnonzero(flagged[app])
    order = np.arange(len(app))
    order[sel] = sel[np.lexsort((key[sel], app[sel]))]
    return order


def tables_in_order(app: I64, ev: I64, tcode: I64, apps: int) -> bool:
    """Whether a normalised batch's event rows (one table after another, each table one
    type) need no sorting: each table's rows in (applicant, event_index) order, the rows of
    one fee event adjacent, and each applicant's events numbered 0..k-1 with no gap and no
    repeat across its tables — the checks the sort serves, made in linear time (counting,
    no sort: about a tenth of the lexsort). By type, the rows are then already as the sort
    would put them; anything else (and every error message) takes the sort."""
    if len(app) == 0:
        return True
    if ev.min() < 0 or ev.max() >= 1 << 30:  # (the key below holds an index in 30 bits)
        return False
    key = (app << 30) | ev
    step = key[1:] - key[:-1]
    same_table = tcode[1:] == tcode[:-1]
    repeat = same_table & (step == 0)  # a fee event's further rows
    if (same_table & ((step < 0) | (repeat & (tcode[1:] != FEES)))).any():
        return False
    # Each applicant's own rows (not a fee event's further ones) take the slots
    # start..start+k-1 of its k events; row -> start + event_index must hit every slot
    # once. Since event_index >= 0, a row lands at or after its applicant's start, so
    # "every slot hit once, none beyond" also means every index is below k (counted over
    # the slots up to each applicant's end): no separate check, and the further rows are
    # sent to one spare slot instead of being filtered out (a copy of both columns).
    again = np.flatnonzero(repeat) + 1
    n = len(app) - len(again)
    counts = np.bincount(app, minlength=apps)
    if len(again):
        counts -= np.bincount(app[again], minlength=len(counts))
    slots = np.cumsum(counts) - counts
    at = slots[app]
    at += ev
    at[again] = n
    hits = np.bincount(at, minlength=n + 1)
    return len(hits) == n + 1 and bool((hits[:n] == 1).all())


def _blocks(rows: I64, t: I64) -> dict[int, I64] | None:
    """Each type's rows, when every type's rows are one block of consecutive rows (a
    normalised batch: one table after another): slices, the rows a stable sort by type
    would give, without the sort (0.04 s for a million) or the gathers; else None."""
    empty = rows[:0]
    out = {code: empty for code in range(len(EVENT_TYPES))}
    if len(t) == 0:
        return out
    starts = np.flatnonzero(t[1:] != t[:-1]) + 1
    if len(starts) >= len(EVENT_TYPES):  # more blocks than types (rows by applicant)
        return None
    edges = [0, *starts.tolist(), len(t)]
    codes = [int(t[i]) for i in edges[:-1]]
    if len(set(codes)) < len(codes):  # a type in two blocks: the sort
        return None
    for code, lo, hi in zip(codes, edges[:-1], edges[1:], strict=True):
        out[code] = rows[lo:hi]
    return out


def _run_start(at: I64) -> int | None:
    """at[0] when `at` is the rows at[0], at[0] + 1, … (a slice then takes them without a
    copy: a normalised batch's rows of one type), else None."""
    if len(at) == 0 or int(at[-1]) - int(at[0]) != len(at) - 1:
        return None
    return int(at[0]) if len(at) == 1 or bool((np.diff(at) == 1).all()) else None


def encode(frame: pl.DataFrame | Tables, *, first_row: int = 0) -> Batch:
    """The frame as a Batch, or ScreenInputError naming every problem (rows are reported
    1-based, counting from `first_row`; in Tables, the applicant columns' rows count the
    applicants and the event columns' the event rows)."""
    given = frame if isinstance(frame, Tables) else None
    df = frame.events if isinstance(frame, Tables) else frame
    del frame  # (the encoder lets go of the frame once encoded: no other name keeps it)
    problems = Problems()
    absent = [c for c in REQUIRED_COLUMNS if c not in df.columns and (
        given is None or c not in given.applicants.columns)]
    for column in absent:
        problems.add(column, "required column is missing")
    raise_if(problems)
    enc = _Encoder(df, first_row, problems, given)
    try:
        batch = enc.run()
        raise_if(problems)
    except ScreenInputError as exc:
        exc.applicant_ids = enc.app_ids  # lets the caller check contiguity across frames
        raise
    return batch


class _Encoder:
    def __init__(self, df: pl.DataFrame, first_row: int, problems: Problems,
                 given: Tables | None = None):
        self.df, self.problems, self.given = df, problems, given
        self.n = df.height
        self.first = first_row
        self.in_place = False  # every row an event, in (applicant, event_index) order
        self.rows = np.arange(first_row, first_row + self.n, dtype=np.int64)
        self._native: dict[str, parse.Pieces | None] = {}
        self.app_ids: pl.Series | None = None
        self.app_hashes: npt.NDArray[np.uint64] | None = None

    def col(self, name: str, at: I64 | None = None) -> pl.Series:
        if name in self.df.columns:
            s = self.df.get_column(name)
            if s.dtype == pl.Null:
                s = s.cast(pl.String)
        else:
            s = pl.repeat(None, self.n, dtype=pl.String, eager=True).rename(name)
        if at is None:
            return s
        first = _run_start(at)
        return s.gather(at) if first is None else s.slice(first, len(at))

    # --- applicants ------------------------------------------------------------------------

    def run(self) -> Batch:
        if self.given is not None:
            return self._given(self.given)
        ids, _ = parse.text(self.col("applicant_id"), self.rows, "applicant_id",
                            self.problems)
        null = parse.missing(ids)
        if null.any():
            self.problems.rows("applicant_id", self.rows[null], "is required")
        heads, differs = self._runs(ids)
        app_ids = ids.gather(heads)
        self.app = np.repeat(np.arange(len(heads), dtype=np.int64),
                             np.diff(heads, append=self.n))
        self.heads = heads
        self.head_rows = self.rows[heads]
        self.app_ids = app_ids
        self._contiguous(app_ids)
        if differs:
            start = np.zeros(self.n, np.bool_)
            start[heads] = True
            self._consistent(start)
        head = self.gather(tuple(APPLICANT_COLUMNS), heads)
        in_scope, kind = self._applicants(heads, head)
        names = head.get_column("name") if "name" in self.df.columns else None
        names = names.cast(pl.String) if names is not None else None
        return self._batch(len(heads), app_ids, names, in_scope, kind)

    def _batch(self, apps: int, app_ids: pl.Series, names: pl.Series | None,
               in_scope: Bools, kind: I64) -> Batch:
        revenue, events, fees, matters = self._events()
        present = {t for t, typed in events.items() if len(typed)}
        matters, fixed = fixed_matters(matters, present)
        return Batch(apps, app_ids, names, in_scope, kind, revenue, events, fees,
                     matters, self.app_hashes, fixed)

    def _given(self, given: Tables) -> Batch:
        """A normalised batch: the applicants from their own table (one row each, so
        nothing to check for runs or changes within an applicant), each event row's
        applicant given."""
        head = given.applicants
        for c in APPLICANT_COLUMNS:
            if c not in head.columns:
                head = head.with_columns(pl.lit(None, pl.String).alias(c))
        head = head.with_columns(pl.col(pl.Null).cast(pl.String))
        rows = np.arange(self.first, self.first + head.height, dtype=np.int64)
        ids, _ = parse.text(head.get_column("applicant_id"), rows, "applicant_id",
                            self.problems)
        null = parse.missing(ids)
        if null.any():
            self.problems.rows("applicant_id", rows[null], "is required")
        self.app = np.ascontiguousarray(given.app, np.int64)
        self.heads = np.arange(head.height, dtype=np.int64)
        self.head_rows = rows
        self.app_ids = ids
        self._contiguous(ids)
        in_scope, kind = self._applicants(self.heads, head, rows)
        names = head.get_column("name").cast(pl.String) if "name" in given.applicants.columns \
            else None
        return self._batch(head.height, ids, names, in_scope, kind)

    def _runs(self, ids: pl.Series) -> tuple[I64, bool]:
        """The rows where each applicant starts, and whether any applicant column changes
        inside an applicant's rows (compared through the Arrow buffers: parse.changes)."""
        if self.n == 0:
            return np.zeros(0, np.int64), False
        start = parse.changes(ids)
        start[0] = True  # the first row starts an applicant, even a null one
        return np.flatnonzero(start).astype(np.int64), self._moved(start)

    def _moved(self, start: Bools) -> bool:
        """Whether an applicant column other than applicant_id changes at a row that does
        not start an applicant (`start`)."""
        for c in APPLICANT_COLUMNS:
            if c == "applicant_id":
                continue
            if c in self.df.columns and parse.changes(self.df.get_column(c), skip=start).any():
                return True
        return False

    def _contiguous(self, app_ids: pl.Series) -> None:
        # Equal 64-bit hashes first (a sort of integers), the ids themselves only then; the
        # CLI reuses the sorted hashes to find applicants split across batches.
        hashes = id_hashes(app_ids)
        self.app_hashes = hashes
        if len(hashes) < 2 or not (hashes[1:] == hashes[:-1]).any():
            return
        dup = parse._np_bool(app_ids.is_duplicated())
        where = np.flatnonzero(dup)
        shown = app_ids.gather(where[:200]).to_list()
        self.problems.rows(
            "applicant_id", self.head_rows[where],
            lambda i: f"{shown[i]!r}: rows of one applicant must be contiguous (this applicant "
            "also has rows elsewhere; sort the export by applicant_id, event_index)")

    def _consistent(self, start: Bools) -> None:
        for name in APPLICANT_COLUMNS:
            if name == "applicant_id" or name not in self.df.columns:
                continue
            differs = parse.changes(self.col(name), skip=start)  # as _runs found them
            if differs.any():
                where = np.flatnonzero(differs)
                first = (self.rows[self.heads[self.app[where]]] + 1).tolist()
                self.problems.rows(name, self.rows[where], [
                    f"differs from the applicant's first row (row {r})" for r in first])

    def _applicants(self, heads: I64, head: pl.DataFrame, rows: I64 | None = None
                    ) -> tuple[Bools, I64]:
        """(in scope, kind) per applicant, read at its first row; the problems worded."""
        rows, p = (self.rows[heads] if rows is None else rows), self.problems
        kind_col = head.get_column("kind")
        kind, bad_kind = parse.choice(kind_col, KINDS, rows, "kind", p)
        self._required(kind_col, rows, "kind", "")
        scope = np.ones(len(heads), np.bool_)
        for flag in SCOPE_FLAGS:
            s = head.get_column(flag)
            value, bad = parse.bools(s, rows, flag, p)
            self._required(s, rows, flag, "")
            scope &= value & ~bad
        self._credit_codes(head.get_column("credit_code"), rows, kind, bad_kind)
        return scope, np.asarray(kind, np.int64)

    def _credit_codes(self, column: pl.Series, rows: I64, kind: I64, bad_kind: Bools) -> None:
        codes, null = parse.text(column, rows, "credit_code", self.problems)
        person = np.isin(kind, PEOPLE_CODES)
        need = null & ~person & ~bad_kind
        if need.any():
            where = np.flatnonzero(need)
            self.problems.rows("credit_code", rows[where],
                               lambda i: f"is required for kind {KINDS[kind[where[i]]]!r}")
        given = np.flatnonzero(~null)
        ok = parse.credit_code_ok(codes if len(given) == len(codes) else codes.gather(given))
        bad = given[~ok]
        if len(bad):
            shown = codes.gather(bad[:200]).to_list()
            self.problems.rows("credit_code", rows[bad],
                               lambda i: f"{shown[i]!r} {creditcode.problem(shown[i])}")

    def _required(self, s: pl.Series, rows: I64, column: str, why: str) -> Bools:
        null = parse.missing(s)
        if null.any():
            self.problems.rows(column, rows[null], f"is required{why}")
        return null

    # --- events ----------------------------------------------------------------------------

    def _events(self) -> tuple[Typed, dict[int, Typed], Fees, pl.Series]:
        p = self.problems
        tcol, icol = self.col("type"), self.col("event_index")
        tcode, tbad = parse.choice(tcol, EVENT_TYPES, self.rows, "type", p)
        native = self.native("event_index")
        if native is not None and native.dtype.is_integer():
            index, inull = native.every()
            ibad = index < 0
            if ibad.any():
                p.rows("event_index", self.rows[ibad], "must be a non-negative integer")
        else:
            index, ibad = parse.ints(icol, self.rows, "event_index", p)
            inull = parse.missing(icol)
        tnull = parse.missing(tcol)
        half = tnull != inull
        if half.any():
            where = np.flatnonzero(half)
            self.problems.rows("event_index", self.rows[where],
                               "type and event_index are given together (both empty: a row "
                               "that only declares its applicant)")
        rows = np.flatnonzero(~(tbad | ibad | tnull | inull))
        rows = self._order(rows, index, tcode)
        t = tcode if self.in_place else tcode[rows]
        by_type = _blocks(rows, t)
        if by_type is None:
            order = np.argsort(t.astype(np.int8), kind="stable")  # radix sort
            counts = np.bincount(t, minlength=len(EVENT_TYPES))
            bounds = np.concatenate([[0], np.cumsum(counts)])
            by_type = {code: rows[order[bounds[code]:bounds[code + 1]]]
                       for code in range(len(EVENT_TYPES))}
        self._matter_text(rows)
        keys, matters = self._matter_keys(by_type, index)
        revenue = self._revenue(by_type[REVENUE], index)
        events = {code: self._typed(code, at, index, keys[code])
                  for code, at in by_type.items() if code not in (REVENUE, FEES)}
        fees = self._fees(by_type[FEES], index, keys[FEES])
        return revenue, events, fees, matters

    def _order(self, rows: I64, index: I64, tcode: I64) -> I64:
        """Event rows in (applicant, event_index) order, checking indices are 0..n-1."""
        if len(rows) == self.n:  # every row is an event (no rows that only declare)
            app, ev = self.app, index
        else:
            app, ev = np.take(self.app, rows), np.take(index, rows)
        if self.given is not None:  # (rows grouped by type: a sort of integers, stable)
            if len(rows) == self.n and tables_in_order(app, ev, tcode, len(self.heads)):
                self.in_place = False
                return rows
            order = np.lexsort((ev, app)) if len(app) and (
                (np.diff(app) < 0).any() or local_sort(app, ev) is not None) else None
        else:
            order = local_sort(app, ev)
        if order is not None:
            rows, ev, app = rows[order], ev[order], app[order]  # (app: for Tables)
        first = np.ones(len(rows), np.bool_)
        np.not_equal(app[1:], app[:-1], out=first[1:])
        step = np.zeros(len(rows), np.int64)
        np.subtract(ev[1:], ev[:-1], out=step[1:])
        # Every row is an event, already in order: the usual case, with no gathers.
        self.in_place = len(rows) == self.n and order is None
        t = tcode if self.in_place else tcode[rows]
        fee_pair = np.concatenate([[False], (t[1:] == FEES) & (t[:-1] == FEES)]) \
            if len(rows) else first
        gap = np.flatnonzero((first & (ev != 0)) | (~first & (step > 1)))
        if len(gap):
            self.problems.rows(
                "event_index", self.rows[rows[gap]],
                lambda i: f"{ev[gap[i]]} leaves a gap: an applicant's events are numbered "
                "0, 1, 2, … without gaps")
        dup = np.flatnonzero(~first & (step == 0) & ~fee_pair)
        if len(dup):
            prev = self.rows[rows[dup - 1]] + 1
            self.problems.rows(
                "event_index", self.rows[rows[dup]],
                lambda i: f"{ev[dup[i]]} repeats row {prev[i]} (only the fee rows of one "
                "platform_service_fees event share an event_index)")
        return rows

    def _matter_text(self, rows: I64) -> None:
        """A matter id given on an event must be a non-empty string."""
        if "matter" not in self.df.columns:
            return
        s = self.col("matter")
        if s.dtype == pl.String and not (s.str.len_bytes() == 0).any():
            return
        parse.text(self.col("matter", rows), self.rows[rows], "matter", self.problems)

    def _matter_keys(self, by_type: dict[int, I64], index: I64
                     ) -> tuple[dict[int, I64], pl.Series]:
        """Matter keys of every non-revenue event row, and the given ids by key value.

        As most events give no matter, only the rows that do are gathered and cast (a tenth of
        the events in the synthetic registry; gathering every event's cell cost four times as
        much). The given ids are numbered in order of first appearance, type by type."""
        parts = [(code, at) for code, at in by_type.items() if code != REVENUE]
        at = np.concatenate([a for _, a in parts])
        matters = pl.Series("matter", [], pl.String)
        keys = (NS_OWN << NS_SHIFT) | np.take(index, at)
        if "matter" in self.df.columns:
            column = parse._text(self.col("matter"))
            given = column.is_not_null() & (column.str.len_bytes() > 0)  # "" was reported
            sel = np.flatnonzero(np.take(parse._np_bool(given), at))
            if len(sel):
                m = column.gather(at[sel]).rename("matter")
                matters = m.unique(maintain_order=True)
                code = m.cast(pl.Enum(matters)).to_physical().cast(pl.Int64).to_numpy()
                revenue = matters.str.contains(REVENUE_ID).to_numpy()
                year = matters.str.slice(len(REVENUE_PREFIX)).str.to_integer(strict=False) \
                    .fill_null(0).to_numpy()
                value = np.where(revenue, (NS_REVENUE << NS_SHIFT) | year,
                                 (NS_GIVEN << NS_SHIFT) | np.arange(len(matters)))
                keys[sel] = value[code]
        out: dict[int, I64] = {}
        offset = 0
        for type_code, a in parts:
            out[type_code] = keys[offset: offset + len(a)]
            offset += len(a)
        return out, matters

    def native(self, column: str) -> parse.Pieces | None:
        """The column read through its Arrow buffers, when its type allows (cached)."""
        if column not in self._native:
            s = self.df.get_column(column) if column in self.df.columns else None
            fits = s is not None and COLUMNS[column] is not Kind.TEXT and parse.Native.fits(s)
            self._native[column] = parse.Pieces(s) if fits and s is not None else None
        return self._native[column]

    def _native_field(self, native: parse.Pieces, column: str, at: I64,
                      type_name: str) -> Values:
        p, first = self.problems, self.first
        null = native.null(at)
        if null.any():
            p.rows(column, at[null] + first, f"is required for type {type_name}")
        kind = COLUMNS[column]
        if kind is Kind.MONEY:
            fen, negative, bad_scale, big = native.money(at)
            for bad, text in ((negative, "must not be negative"),
                              (bad_scale, "has more than two decimals (screening works in "
                               "whole fen)"),
                              (big, "is too large (amounts must stay below 10^13 yuan)")):
                if bad.any() and (bad := bad & ~null).any():
                    p.rows(column, at[bad] + first, text)
            return fen
        if (kind is Kind.DATE and native.dtype != pl.Date) or \
                (kind is Kind.BOOL and native.dtype != pl.Boolean) or \
                (kind is Kind.INT and not native.dtype.is_integer()):
            p.add(column, f"has type {native.dtype}, which cannot hold a {kind.value}")
            return np.zeros(len(at), np.int64)
        values = native.take(at)
        if kind is Kind.INT and (bad := (values < 0) & ~null).any():
            p.rows(column, at[bad] + first, "must be a non-negative integer")
        return values

    def _field(self, column: str, at: I64, type_name: str,
               sub: pl.DataFrame | None = None) -> Values:
        choices = CHOICES.get((type_name, column))
        native = self.native(column) if choices is None else None
        if native is not None:
            return self._native_field(native, column, at, type_name)
        s = sub.get_column(column) if sub is not None else self.col(column, at)
        rows, p = self.rows[at], self.problems
        self._required(s, rows, column, f" for type {type_name}")
        choices = CHOICES.get((type_name, column))
        if choices is not None:
            return parse.choice(s, choices, rows, column, p)[0]
        kind = COLUMNS[column]
        if kind is Kind.MONEY:
            return parse.money(s, rows, column, p)[0]
        if kind is Kind.DATE:
            return parse.dates(s, rows, column, p)[0]
        if kind is Kind.BOOL:
            return parse.bools(s, rows, column, p)[0]
        if kind is Kind.INT:
            return parse.ints(s, rows, column, p)[0]
        raise AssertionError(column)  # pragma: no cover - text fields all have choices

    def _typed(self, code: int, at: I64, index: I64, keys: I64) -> Typed:
        name = EVENT_TYPES[code]
        typed = Typed(np.take(self.app, at), np.take(index, at), at, keys)
        sub = self.gather(tuple(c for c in EVENT_FIELDS[name] if (
            self.native(c) is None or (name, c) in CHOICES or c == "rank")), at)
        for column in EVENT_FIELDS[name]:
            if name == "standard_led" and column == "level":
                typed.fields["level"] = self._standard_level(at, sub.get_column("level"))
            elif name == "competition_prize" and column == "rank":
                s = sub.get_column("rank")
                typed.fields["rank"] = parse.choice(s, (1, 2, 3), self.rows[at], "rank",
                                                    self.problems)[0]
                self._required(s, self.rows[at], "rank", " for type competition_prize")
            else:
                typed.fields[column] = self._field(column, at, name, sub)
        for column in OPTIONAL_FIELDS.get(name, ()):
            typed.fields[column] = self._flag(column, at)
        return typed

    def _flag(self, column: str, at: I64) -> Bools:
        """An optional boolean (OPTIONAL_FIELDS) at rows `at`: false where it is empty or
        the column is absent, as the contract's default."""
        if column not in self.df.columns:
            return np.zeros(len(at), np.bool_)
        native = self.native(column)
        if native is not None:
            if native.dtype != pl.Boolean:
                self.problems.add(column, f"has type {native.dtype}, which cannot hold a "
                                  f"{Kind.BOOL.value}")
                return np.zeros(len(at), np.bool_)
            flag: Bools = native.take(at) & ~native.null(at)
            return flag
        value, unusable = parse.bools(self.col(column, at), self.rows[at], column,
                                      self.problems)
        return value & ~unusable

    def gather(self, columns: tuple[str, ...], at: I64) -> pl.DataFrame:
        """The columns at rows `at`, gathered together (absent columns are all null)."""
        schema = self.df.schema
        present = [c for c in columns if c in schema]
        first = _run_start(at)
        if not present:
            sub = pl.DataFrame()
        elif first is not None:  # (a table's rows in a normalised batch: no copy)
            sub = pl.DataFrame([self.df.get_column(c).slice(first, len(at))
                                for c in present])
        else:
            sub = self.df.select(pl.col(present).gather(pl.Series("at", at, pl.Int64)))
        missing = [pl.repeat(None, len(at), dtype=pl.String).alias(c)
                   for c in columns if c not in schema]
        if missing:
            sub = sub.with_columns(missing) if present else pl.select(missing)
        if any(schema[c] == pl.Null for c in present):  # (each call costs a query plan)
            sub = sub.with_columns(pl.col(pl.Null).cast(pl.String))
        return sub

    def _standard_level(self, at: I64, s: pl.Series) -> I64:
        """Index into tables().standard_levels, or -1 (`unsupported_level`)."""
        from policyhub.screen.tables import tables

        self._required(s, self.rows[at], "level", " for type standard_led")
        text, _ = parse.text(s, self.rows[at], "level", self.problems)
        levels = list(tables().standard_levels)
        code = text.cast(pl.Enum(levels), strict=False).to_physical().cast(pl.Int64)
        return code.fill_null(-1).to_numpy()

    def _revenue(self, at: I64, index: I64) -> Typed:
        sub = self.gather(tuple(c for c in ("year", "amount") if self.native(c) is None), at)
        year = self._field("year", at, "annual_revenue", sub)
        amount = self._field("amount", at, "annual_revenue", sub)
        bad = (year < YEAR_MIN) | (year > YEAR_MAX)
        if bad.any():
            where = np.flatnonzero(bad)
            self.problems.rows("year", self.rows[at[where]],
                               lambda i: f"year {year[where[i]]} is out of range")
        app = self.app[at]
        order = local_sort(app, year, strict=True)
        if order is not None:
            at, year, amount = at[order], year[order], amount[order]
            same = app[1:] == app[:-1]
            dup = np.flatnonzero(same & (year[1:] == year[:-1])) + 1
            if len(dup):
                other = self.rows[at[dup - 1]] + 1
                self.problems.rows(
                    "year", self.rows[at[dup]],
                    lambda i: f"duplicate annual_revenue for {year[dup[i]]} (also row {other[i]})")
        keys = (NS_REVENUE << NS_SHIFT) | year
        return Typed(app, index[at], at, keys, {"year": year, "amount": amount})

    def _fees(self, at: I64, index: I64, keys: I64) -> Fees:
        app, ev = self.app[at], index[at]
        new = np.ones(len(at), np.bool_)
        new[1:] = (app[1:] != app[:-1]) | (ev[1:] != ev[:-1])
        starts = np.flatnonzero(new)
        event = np.cumsum(new) - 1
        events = Typed(app[starts], ev[starts], at[starts], keys[starts])
        name = "platform_service_fees"
        sub = self.gather(tuple(c for c in EVENT_FIELDS[name] if self.native(c) is None), at)
        for column in FEE_EVENT_COLUMNS:
            values = self._field(column, at, name, sub)
            self._same_in_event(column, values, at, event, starts)
            events.fields[column] = values[starts]
        self._same_in_event("matter", keys, at, event, starts)
        day = self._field("fee_date", at, name, sub)
        fen = self._field("fee_amount", at, name, sub)
        return Fees(events, event, np.asarray(day, np.int64), np.asarray(fen, np.int64))

    def _same_in_event(self, column: str, values: Values, at: I64, event: I64,
                       starts: I64) -> None:
        differs = values != values[starts][event]
        if differs.any():
            where = np.flatnonzero(differs)
            first = self.rows[at[starts[event[where]]]] + 1
            self.problems.rows(
                column, self.rows[at[where]],
                lambda i: f"differs from the first row of this fee event (row {first[i]})")
