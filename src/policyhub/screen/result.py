"""Decisions as the output long table (one row per entry) and as per-applicant summaries.

The table's columns (docs/screening.md): applicant_id, entry (award | discretionary |
ineligible | total), rule, clause, matter, amount, ceiling, status, excluded_by, event_index,
reason_code, cap. Rows are grouped by applicant in input order; within an applicant: awards in
the engine's order (first event, rule order, threshold), then discretionary items, then
ineligible entries (by event, rule), then the applicant's `total` row.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from policyhub.screen.encode import NS_GIVEN, NS_OWN, NS_REVENUE, NS_SHIFT, Batch
from policyhub.screen.kernel import SORT_RULE, Decisions
from policyhub.screen.parse import arrow_strings
from policyhub.screen.schema import (
    CLAUSES,
    ENTRIES,
    REASONS,
    RULE_CEILING,
    RULE_CLAUSE,
    RULES,
    STATUSES,
)
from policyhub.screen.tables import NONE

I64 = npt.NDArray[np.int64]
AMOUNT = pa.decimal128(18, 2)
AWARD, DISCRETIONARY, INELIGIBLE, TOTAL = range(4)
CLAUSE_OF_RULE = np.array([CLAUSES.index(c) for c in RULE_CLAUSE], np.int8)
RULE_CEILING_NP = np.array(RULE_CEILING, np.bool_)

SCHEMA = pa.schema([
    ("applicant_id", pa.dictionary(pa.int32(), pa.string())),
    ("entry", pa.dictionary(pa.int8(), pa.string())),
    ("rule", pa.dictionary(pa.int8(), pa.string())),
    ("clause", pa.dictionary(pa.int8(), pa.string())),
    ("matter", pa.dictionary(pa.int32(), pa.string())),
    ("amount", AMOUNT),
    ("ceiling", pa.bool_()),
    ("status", pa.dictionary(pa.int8(), pa.string())),
    ("excluded_by", pa.dictionary(pa.int8(), pa.string())),
    ("event_index", pa.int32()),
    ("reason_code", pa.dictionary(pa.int8(), pa.string())),
    ("cap", AMOUNT),
])


@dataclass
class Summary:
    """Counts and sums over applicants, additive across batches."""

    applicants: int = 0
    with_awards: int = 0
    granted: I64 = field(default_factory=lambda: np.zeros(len(RULES), np.int64))
    granted_fen: I64 = field(default_factory=lambda: np.zeros(len(RULES), np.int64))
    excluded: I64 = field(default_factory=lambda: np.zeros(len(RULES), np.int64))
    discretionary: I64 = field(default_factory=lambda: np.zeros(len(RULES), np.int64))
    ineligible: I64 = field(default_factory=lambda: np.zeros(len(REASONS), np.int64))

    def __add__(self, other: Summary) -> Summary:
        return Summary(self.applicants + other.applicants, self.with_awards + other.with_awards,
                       self.granted + other.granted, self.granted_fen + other.granted_fen,
                       self.excluded + other.excluded, self.discretionary + other.discretionary,
                       self.ineligible + other.ineligible)

    @property
    def total_fen(self) -> int:
        return int(self.granted_fen.sum())


@dataclass
class ScreenResult:
    """The decisions of a frame: the long table (pyarrow) and its summary."""

    table: pa.Table
    summary: Summary
    applicant_ids: pl.Series | None = None  # the frame's applicants, in input order

    def frame(self) -> pl.DataFrame:
        out = pl.from_arrow(self.table)
        assert isinstance(out, pl.DataFrame)
        return out


def summarise(batch: Batch, d: Decisions) -> Summary:
    n = len(RULES)
    granted = d.award_excluded_by < 0
    count = np.bincount(d.award_app[granted], minlength=batch.apps)
    return Summary(
        applicants=batch.apps,
        with_awards=int((count > 0).sum()),
        granted=np.bincount(d.award_rule[granted], minlength=n),
        granted_fen=np.array([int(d.award_fen[granted & (d.award_rule == r)].sum())
                              for r in range(n)], np.int64),
        excluded=np.bincount(d.award_rule[~granted], minlength=n),
        discretionary=np.bincount(d.disc_rule, minlength=n),
        ineligible=np.bincount(d.inel_reason, minlength=len(REASONS)),
    )


def build(batch: Batch, d: Decisions) -> ScreenResult:
    """The long table of one batch, rows grouped by applicant."""
    na, nd, ni, apps = len(d.award_app), len(d.disc_app), len(d.inel_app), batch.apps
    n = na + nd + ni + apps
    app = np.concatenate([d.award_app, d.disc_app, d.inel_app, np.arange(apps)])
    entry = np.repeat(np.arange(4, dtype=np.int64), [na, nd, ni, apps])
    within = np.concatenate([d.award_sort, d.disc_event,
                             (d.inel_event << SORT_RULE) | d.inel_rule,
                             np.zeros(apps, np.int64)])
    if apps < 1 << 21:  # one int64 key: applicant, entry kind, place within the kind
        order = np.argsort((app << 42) | (entry << 40) | within, kind="stable")
    else:
        order = np.lexsort((within, entry, app))

    def column(parts: list[npt.NDArray[Any]], fill: int, dtype: Any) -> npt.NDArray[Any]:
        """The entry kinds' values in order; `fill` for the kinds without this column."""
        sized = [p.astype(dtype, copy=False) for p in parts]
        rest = n - sum(len(p) for p in sized)
        return np.concatenate([*sized, np.full(rest, fill, dtype)])[order]

    rule = column([d.award_rule, d.disc_rule, d.inel_rule], -1, np.int8)
    amount = np.concatenate([d.award_fen, np.full(nd + ni, NONE, np.int64), d.total])[order]
    excluded_by = column([d.award_excluded_by], -1, np.int8)
    cap = np.concatenate([np.full(na, NONE, np.int64), d.disc_cap,
                          np.full(ni + apps, NONE, np.int64)])[order]
    kind = entry.astype(np.int8)[order]
    is_award = kind == AWARD
    award_rule = np.maximum(rule, 0)
    columns = [
        _dictionary(app[order], _strings(batch.app_ids), pa.int32()),
        _dictionary(kind, ENTRIES),
        _dictionary(rule, RULES),
        _dictionary(np.where(rule >= 0, CLAUSE_OF_RULE[award_rule], -1), CLAUSES),
        _matters(np.concatenate([d.award_matter, d.disc_matter]), order, n, batch),
        decimal(amount, amount != NONE),
        pa.Array.from_buffers(pa.bool_(), n, [_validity(is_award), pa.py_buffer(
            np.packbits(RULE_CEILING_NP[award_rule], bitorder="little"))]),
        _dictionary(np.where(is_award, excluded_by >= 0, -1), STATUSES),
        _dictionary(excluded_by, RULES),
        _int32(column([d.award_event, d.disc_event, d.inel_event], -1, np.int32)),
        _dictionary(column([np.full(na + nd, -1), d.inel_reason], -1, np.int8), REASONS),
        decimal(cap, (kind == DISCRETIONARY) & (cap != NONE)),
    ]
    table = pa.Table.from_arrays(columns, schema=SCHEMA)
    return ScreenResult(table, summarise(batch, d), batch.app_ids)


def _int32(values: npt.NDArray[np.int32]) -> pa.Array:
    return pa.Array.from_buffers(pa.int32(), len(values), [_validity(values >= 0),
                                                           pa.py_buffer(values)])


def decimal(fen: I64, valid: npt.NDArray[np.bool_]) -> pa.Array:
    """decimal128(18, 2) from int64 fen, built from its scaled integers (no float, no parse)."""
    n = len(fen)
    words = np.empty((n, 2), np.int64)
    words[:, 0] = np.where(valid, fen, 0)
    words[:, 1] = words[:, 0] >> 63
    return pa.Array.from_buffers(AMOUNT, n, [_validity(valid), pa.py_buffer(words)])


def _strings(s: pl.Series) -> pa.Array:
    return arrow_strings(s)


def _validity(valid: npt.NDArray[np.bool_]) -> pa.Buffer | None:
    return None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))


INT8, INT32 = pa.int8(), pa.int32()


def string_array(values: Sequence[str]) -> pa.Array:
    """A pyarrow string array built from buffers: `pa.array` on Python objects imports
    pandas (a third of a second) the first time it is called."""
    data = [v.encode() for v in values]
    offsets = np.zeros(len(data) + 1, np.int32)
    offsets[1:] = np.cumsum([len(b) for b in data], dtype=np.int64)
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets),
                                                           pa.py_buffer(b"".join(data))])


@functools.cache
def _vocabulary(values: tuple[str, ...]) -> pa.Array:
    return string_array(values)


def _dictionary(codes: npt.NDArray[Any], values: tuple[str, ...] | pa.Array,
                index: pa.DataType = INT8) -> pa.DictionaryArray:
    """Codes (-1 = null) into `values`, built from buffers."""
    dictionary = values if isinstance(values, pa.Array) else _vocabulary(values)
    np_index = np.int32 if index == pa.int32() else np.int8
    indices = np.maximum(codes, 0).astype(np_index, copy=False)
    array = pa.Array.from_buffers(index, len(codes), [_validity(codes >= 0),
                                                      pa.py_buffer(indices)])
    return pa.DictionaryArray.from_arrays(array, dictionary)


def _matters(key: I64, order: npt.NDArray[np.intp], n: int, batch: Batch
             ) -> pa.DictionaryArray:
    """Matter labels (awards and discretionary items, which come first before `order`): a
    given id, `event-<index>` or `revenue-<year>`, as one dictionary."""
    ns, value = key >> NS_SHIFT, key & ((1 << NS_SHIFT) - 1)
    own, revenue = ns == NS_OWN, ns == NS_REVENUE
    given = len(batch.matters)
    top_event = int(value[own].max()) + 1 if own.any() else 0
    years = value[revenue]
    first_year = int(years.min()) if len(years) else 0
    span = int(years.max()) - first_year + 1 if len(years) else 0
    made = pl.Series("matter", [*(f"event-{i}" for i in range(top_event)),
                                *(f"revenue-{first_year + i}" for i in range(span))], pl.String)
    names = pl.concat([batch.matters.cast(pl.String).rename("matter"), made])
    index = np.where(ns == NS_GIVEN, value,
                     np.where(own, given + value, given + top_event + value - first_year))
    unique = names.unique(maintain_order=True)
    labels = _strings(unique)
    if len(unique) < len(names):  # a given id spelled like an own matter's label
        remap = names.cast(pl.Enum(unique)).to_physical().to_numpy()
        index = remap[index]
    full = np.full(n, -1, np.int32)
    full[: len(index)] = index
    return _dictionary(full[order], labels, pa.int32())
