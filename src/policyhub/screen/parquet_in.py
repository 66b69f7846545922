"""The sparse columns of a Parquet input, read in C (`_accel.sparse`); io.py has Polars read
the rest.

An event field — a date, an amount, a flag, a level of one event type — is null on every row
of the other types: in the synthetic registry on twenty-nine rows in thirty. Polars gives
such a column a value slot on every row (a decimal or a string view 16 bytes), and decoding
the sixteen typed event fields took 15–17 ms of a row group's 28–32 ms on Polars' one pool
thread, where the two deciding threads' reads queue (docs/screening.md, "2026-12-04,
night"). Read here, a column is its given cells only — their rows, in order, and their
values as int64 (days, integers, 0/1, a decimal's unscaled integer, a text's index in the
chunk's dictionary) — which is all the encoder reads of it (`parse.SparseNative`). A path
that needs the column whole, such as the one that words the problems of bad input, gets it
built as Polars would have read it (`Sparse.series`).

Which columns: SPARSE_COLUMNS — the typed event fields but `event_index`, `year` and
`amount`, which are given on most rows (read here, with a revenue pass taking them as they
come, they saved nothing and took 40 MB more), when their Arrow type is boolean, date32,
int32, int64 or a decimal of at most 18 digits; and the closed-choice text columns of one
event type, when dictionary-encoded. Which layout: what the C decoder reads alone
(uncompressed, flat, v1 data pages of PLAIN values or a PLAIN dictionary, RLE levels); a row
group with any such column in another layout is read whole by Polars, as before.
"""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from policyhub.screen import accel

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# Kept equal to schema.py's typed event columns but the three above, and its closed-choice
# text columns of one event type, by a test (this module must not import
# schema.py, which loads the engine: reading starts before it is imported).
SPARSE_COLUMNS = ("date", "paid_in_capital", "completed_investment", "schedule_met",
                  "housing_price_per_m2", "total_investment", "actual_investment",
                  "construction_cost", "major_public_platform", "operation_start",
                  "fee_date", "fee_amount", "rd_investment", "selected", "rank",
                  "settles_in_changsha", "revision", "level", "category", "project_kind",
                  "stage", "rule")
# The applicant columns of text, repeated down each applicant's rows, read here as runs of
# equal cells (Runs): where they change is what the encoder looks at, and their cells at
# each applicant's first row.
RUN_COLUMNS = ("applicant_id", "kind", "credit_code")
# A text column is read here only through a dictionary of at most this many entries (each
# checked as UTF-8 here, as Polars checks what it reads); the choice columns have a few.
MOST_ENTRIES = 4096

_PHYSICAL = {"BOOLEAN": 0, "INT32": 1, "INT64": 2, "BYTE_ARRAY": 6, "FIXED_LEN_BYTE_ARRAY": 7}
_ENCODINGS = frozenset({"PLAIN", "RLE", "RLE_DICTIONARY", "PLAIN_DICTIONARY"})


class _Capsule:
    """An Arrow array seen only through the Arrow PyCapsule interface: Polars imports it
    as it is. (`pl.from_arrow` imports pandas and more, 0.3 s; `pl.Series` of a pyarrow
    array imports `pyarrow.compute`.)"""

    def __init__(self, array: pa.Array):
        self.array = array

    def __arrow_c_array__(self, requested_schema: object | None = None
                          ) -> tuple[object, object]:
        schema, array = self.array.__arrow_c_array__(requested_schema)
        return schema, array


def _series(name: str, array: pa.Array) -> pl.Series:
    return pl.Series(_Capsule(array)).rename(name)


@lru_cache(maxsize=64)
def polars_dtype(arrow: pa.DataType) -> pl.DataType:
    """The Polars type a column of this Arrow type reads as."""
    if pa.types.is_large_string(arrow):
        return pl.String()
    empty = pa.Array.from_buffers(arrow, 0, [None, pa.py_buffer(np.zeros(16, np.uint8))])
    return _series("", empty).dtype  # (pa.array([]) looks for pandas: imports it, 0.3 s)


@dataclass(frozen=True)
class Sparse:
    """A column of `n` rows as its given cells: `rows` (ascending) and `values`; a text
    column's values index its `dictionary`."""

    name: str
    arrow: pa.DataType  # large_string for text
    n: int
    rows: I64
    values: I64
    dictionary: pl.Series | None = None

    @property
    def dtype(self) -> pl.DataType:
        return polars_dtype(self.arrow)

    def slice(self, start: int, length: int) -> Sparse:
        lo, hi = np.searchsorted(self.rows, [start, start + length])
        return Sparse(self.name, self.arrow, length, self.rows[lo:hi] - start,
                      self.values[lo:hi], self.dictionary)

    @staticmethod
    def concat(pieces: Sequence[Sparse]) -> Sparse:
        first = pieces[0]
        offsets = np.cumsum([0] + [p.n for p in pieces[:-1]])
        rows = np.concatenate([p.rows + int(o) for p, o in zip(pieces, offsets, strict=True)])
        dictionary = first.dictionary
        if dictionary is None or all(p.dictionary is dictionary for p in pieces):
            values = np.concatenate([p.values for p in pieces])
        else:  # pieces of several row groups: their dictionaries one after the other
            shifted, entries = [], 0
            for p in pieces:
                assert p.dictionary is not None
                shifted.append(p.values + entries)
                entries += len(p.dictionary)
            dictionary = pl.concat([p.dictionary for p in pieces if p.dictionary is not None])
            values = np.concatenate(shifted)
        return Sparse(first.name, first.arrow, sum(p.n for p in pieces), rows, values,
                      dictionary)

    def find(self, at: I64) -> tuple[I64, Bools] | None:
        """Where each row of `at` is among the given cells, and whether it is one; None
        when `at` are exactly the given rows (the usual case: a type's rows)."""
        if len(at) == len(self.rows) and np.array_equal(at, self.rows):
            return None
        slot = np.take(self._slots, at)
        return np.maximum(slot, 0).astype(np.int64), slot >= 0

    @cached_property
    def _slots(self) -> npt.NDArray[np.int32]:
        """Every row's place among the given cells, -1 where none is given: made once for
        a column read at other rows than its own (`date`, shared by ten types), where a
        binary search of each type's rows took 0.44 ms a call, this 0.5 ms in all."""
        slots = np.full(self.n, -1, np.int32)
        slots[self.rows] = np.arange(len(self.rows), dtype=np.int32)
        return slots

    def at(self, at: I64 | None = None) -> tuple[I64, Bools]:
        """Values (0 where none is given, as in Arrow's null slots) and whether given, at
        rows `at` (every row when None); to read, not to change (at the column's own rows,
        the values are the column's own array)."""
        if at is None:
            values = np.zeros(self.n, np.int64)
            given = np.zeros(self.n, np.bool_)
            values[self.rows] = self.values
            given[self.rows] = True
            return values, given
        found = self.find(at)
        if found is None:
            return self.values, np.ones(len(at), np.bool_)
        slot, given = found
        if len(self.values) == 0:  # (no cell given: nothing to take from)
            return np.zeros(len(at), np.int64), given
        return np.where(given, self.values[slot], 0), given

    def series(self, at: I64 | None = None) -> pl.Series:
        """The column (at rows `at`) as Polars reads it from the file."""
        values, given = self.at(at)
        n, t = len(values), self.arrow
        nulls = n - int(np.count_nonzero(given))
        validity = pa.py_buffer(np.packbits(given, bitorder="little")) if nulls else None
        if self.dictionary is not None:  # (gathered as Polars string views: no bytes copied)
            index = pa.Array.from_buffers(pa.uint32(), n, [validity, pa.py_buffer(
                values.astype(np.uint32))], null_count=nulls)
            return self.dictionary.gather(_series("", index)).rename(self.name)
        data: npt.NDArray[np.generic]
        if pa.types.is_boolean(t):
            data = np.packbits(values != 0, bitorder="little")
        elif pa.types.is_decimal(t):
            data = np.stack([values, values >> 63], axis=1)  # (low, high) words
        elif pa.types.is_date32(t) or t == pa.int32():
            data = values.astype(np.int32)
        else:
            data = values
        array = pa.Array.from_buffers(t, n, [validity, pa.py_buffer(data)], null_count=nulls)
        return _series(self.name, array)


@dataclass(frozen=True)
class Runs:
    """A text column of `n` rows as runs of equal cells: run r covers the rows from
    starts[r] to the next run's start; its cell is the UTF-8 bytes blob[at[r]:at[r + 1]],
    or null where not valid[r]. Two runs side by side hold different cells (a null differs
    from any string), so a run starts exactly where the column changes."""

    name: str
    n: int
    starts: I64
    at: I64  # len(starts) + 1 offsets into blob
    valid: Bools
    blob: npt.NDArray[np.uint8]

    dtype = pl.String()

    def slice(self, start: int, length: int) -> Runs:
        if length == 0:
            return Runs(self.name, 0, self.starts[:0], self.at[:1], self.valid[:0], self.blob)
        lo = int(np.searchsorted(self.starts, start, "right")) - 1
        hi = int(np.searchsorted(self.starts, start + length, "left"))
        starts = self.starts[lo:hi] - start
        starts[0] = 0
        return Runs(self.name, length, starts, self.at[lo: hi + 1], self.valid[lo:hi],
                    self.blob)

    def cell(self, r: int) -> bytes | None:
        return self.blob[self.at[r]: self.at[r + 1]].tobytes() if self.valid[r] else None

    @staticmethod
    def concat(pieces: Sequence[Runs]) -> Runs:
        """The pieces one after the other; a piece's first run that goes on with the run
        before it (the same cell) is merged into it."""
        pieces = [p for p in pieces if p.n]
        first = pieces[0]
        starts, ats, valids, blobs, rows, size = [], [], [], [], 0, 0
        last: bytes | int | None = -1  # (the previous piece's last cell; -1: none)
        for p in pieces:
            skip = 1 if last != -1 and p.cell(0) == last else 0
            begin = p.at[skip]  # (the bytes of the runs kept)
            starts.append(p.starts[skip:] + rows)
            ats.append(p.at[skip + 1:] - begin + size)
            valids.append(p.valid[skip:])
            blobs.append(p.blob[begin: p.at[-1]])
            rows, size = rows + p.n, size + int(p.at[-1] - begin)
            last = p.cell(len(p.starts) - 1)
        return Runs(first.name, rows, np.concatenate(starts), np.concatenate([[0], *ats]),
                    np.concatenate(valids), np.concatenate(blobs))

    def run_of(self, rows: I64) -> I64:
        """The run each of `rows` is in."""
        found: I64 = np.searchsorted(self.starts, rows, "right") - 1
        return found

    @cached_property
    def every_cell(self) -> pl.Series:
        """The runs' cells, one per run, as a Polars string series (made once: cells at
        any rows are gathered from it as string views)."""
        nulls = len(self.valid) - int(np.count_nonzero(self.valid))
        validity = pa.py_buffer(np.packbits(self.valid, bitorder="little")) if nulls else None
        data = self.blob[self.at[0]: self.at[-1]]
        array = pa.Array.from_buffers(
            pa.large_string(), len(self.valid),
            [validity, pa.py_buffer(np.ascontiguousarray(self.at - self.at[0])),
             pa.py_buffer(data if len(data) else np.zeros(1, np.uint8))], null_count=nulls)
        return _series(self.name, array)

    def cells(self, runs: I64 | None = None) -> pl.Series:
        """The cells of `runs` (every run when None), as a Polars string series."""
        if runs is None:
            return self.every_cell
        return self.every_cell.gather(pl.Series("", runs, pl.Int64)).rename(self.name)

    def series(self, at: I64 | None = None) -> pl.Series:
        """The column (at rows `at`) as Polars reads it from the file."""
        if at is None:
            runs = np.repeat(np.arange(len(self.starts)), np.diff(self.starts, append=self.n))
        else:
            runs = self.run_of(at)
        return self.cells(runs)


@dataclass(frozen=True)
class _Column:
    name: str
    index: int  # in the file's columns
    physical: int
    size: int  # bytes of a FIXED_LEN_BYTE_ARRAY value
    max_def: int
    arrow: pa.DataType


def _column(i: int, column: pq.ColumnSchema, field: pa.Field) -> _Column | None:
    """How column i is read here, or None (Polars reads it)."""
    if column.name not in SPARSE_COLUMNS + RUN_COLUMNS or column.max_repetition_level != 0 or \
            column.max_definition_level > 1 or column.name != field.name or \
            column.physical_type not in _PHYSICAL:
        return None
    t, physical = field.type, _PHYSICAL[column.physical_type]
    if physical == 6:  # (an applicant column read as runs, or a choice column as cells)
        text = pa.types.is_string(t) or pa.types.is_large_string(t) or \
            pa.types.is_string_view(t)
        return _Column(field.name, i, 6, 0, column.max_definition_level, pa.large_string()) \
            if text else None
    fits = (pa.types.is_boolean(t) and physical == 0) or \
        ((pa.types.is_date32(t) or t == pa.int32()) and physical == 1) or \
        (t == pa.int64() and physical == 2) or \
        (pa.types.is_decimal128(t) and physical in (1, 2, 7) and t.precision <= 18)
    size = column.length if physical == 7 else 0
    if not fits or (physical == 7 and not 1 <= size <= 8):
        return None
    return _Column(field.name, i, physical, size, column.max_definition_level, t)


class SparseReader:
    """The sparse columns of one Parquet file, row group by row group (see the module).
    One read at a time: the buffers it decodes into are its own (io.py reads under a lock,
    in one generator)."""

    def __init__(self, path: Path, meta: pq.FileMetaData, columns: list[_Column]):
        self.meta, self.columns = meta, columns
        self.names = frozenset(c.name for c in columns)
        with path.open("rb") as fh:  # the file's bytes, shared with the page cache
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._bytes = np.frombuffer(self._map, np.uint8)
        self._base = int(self._bytes.ctypes.data)  # (the map's address, for the C decoders)
        most = max((meta.row_group(i).num_rows for i in range(meta.num_row_groups)), default=0)
        self._rows = np.empty(max(most, 1), np.int64)
        self._values = np.empty(max(most, 1), np.int64)
        self._scratch = np.empty(max(most, 1), np.uint32)  # a page's dictionary indices
        self._spans = np.empty(2 * MOST_ENTRIES, np.int64)  # a text dictionary's entries
        self._run_spans = np.empty(2 * max(most, 1), np.int64)
        self._levels = np.empty(max(most, 1), np.uint32)

    @classmethod
    def of(cls, path: Path, meta: pq.FileMetaData) -> SparseReader | None:
        """A reader of the columns read here, or None (none, or the compiled passes off)."""
        if not accel.ACTIVE or meta.num_rows == 0:
            return None
        schema = meta.schema
        arrow = schema.to_arrow_schema()
        if len(arrow) != meta.num_columns:  # nested columns: leave the file to Polars
            return None
        found = [_column(i, schema.column(i), arrow.field(i)) for i in range(meta.num_columns)]
        columns = [c for c in found if c is not None]
        return cls(path, meta, columns) if columns else None

    def read(self, group: int) -> dict[str, Sparse | Runs] | None:
        """Row group `group`'s sparse columns, or None when any of its chunks is not of the
        layout read here (Polars then reads the row group whole)."""
        rows = self.meta.row_group(group).num_rows
        chunks = self.meta.row_group(group)
        found: dict[str, Sparse | Runs] = {}
        for column in self.columns:
            chunk = chunks.column(column.index)
            if chunk.compression != "UNCOMPRESSED" or chunk.num_values != rows or \
                    not set(chunk.encodings) <= _ENCODINGS:
                return None
            start = chunk.dictionary_page_offset if chunk.has_dictionary_page \
                else chunk.data_page_offset
            length = chunk.total_compressed_size
            if start is None or start < 0 or length < 0 or start + length > len(self._map):
                return None
            if column.name in RUN_COLUMNS:
                runs = self._runs(column, start, length, rows)
                if runs is None:
                    return None
                found[column.name] = runs
                continue
            text = column.physical == 6
            read = accel.parquet_sparse(
                self._base + start, length, column.physical, column.size,
                column.max_def, rows, self._rows, self._values, self._scratch,
                self._spans if text else self._spans[:0])
            if read is None:
                return None
            given, entries = read
            dictionary = self._dictionary(start, entries) if text else None
            if text and dictionary is None:
                return None
            found[column.name] = Sparse(column.name, column.arrow, rows,
                                        self._rows[:given].copy(), self._values[:given].copy(),
                                        dictionary)
        return found

    def _runs(self, column: _Column, chunk: int, length: int, rows: int) -> Runs | None:
        """An applicant column's chunk as runs, or None (not this layout, or a cell that is
        not UTF-8: Polars then reads the row group, and refuses it)."""
        count = accel.parquet_runs(self._base + chunk, length, column.max_def, rows,
                                   self._rows, self._run_spans, self._scratch, self._levels)
        if count is None:
            return None
        at, valid, blob = accel.parquet_copy_spans(self._base + chunk, self._run_spans, count)
        if len(blob) and int(blob.max()) >= 0x80:  # (ASCII is UTF-8)
            # Valid UTF-8 all together, and no cell starting inside a character: every
            # cell is.
            heads = blob[at[:-1][np.diff(at) > 0]]
            try:
                blob.tobytes().decode("utf-8")
            except UnicodeDecodeError:
                return None
            if ((heads & 0xC0) == 0x80).any():
                return None
        return Runs(column.name, rows, self._rows[:count].copy(), at, valid, blob)

    def _dictionary(self, chunk: int, entries: int) -> pl.Series | None:
        """A text chunk's dictionary, or None when an entry is not UTF-8 (Polars then reads
        the row group, and refuses it)."""
        spans = self._spans[: 2 * entries].reshape(-1, 2) + np.array([chunk, 0])
        try:
            words = [self._map[a: a + n].decode("utf-8") for a, n in spans.tolist()]
        except UnicodeDecodeError:
            return None
        return pl.Series("", words, pl.String)


@dataclass
class Frame:
    """Rows of an input: a Polars frame, and the columns read sparsely (none for CSV, or
    when the file's layout is not one read here). What io.batches cuts and joins."""

    df: pl.DataFrame
    sparse: dict[str, Sparse | Runs]

    @property
    def height(self) -> int:
        return self.df.height

    @property
    def columns(self) -> list[str]:
        return [*self.df.columns, *self.sparse]

    def get_column(self, name: str) -> pl.Series:
        return self.sparse[name].series() if name in self.sparse else self.df.get_column(name)

    def slice(self, start: int, length: int | None = None) -> Frame:
        length = self.height - start if length is None else length
        return Frame(self.df.slice(start, length),
                     {k: s.slice(start, length) for k, s in self.sparse.items()})

    def dense(self) -> pl.DataFrame:
        """The frame with its sparse columns in it, as Polars would have read them all."""
        if not self.sparse:
            return self.df
        return self.df.with_columns([s.series() for s in self.sparse.values()])

    @staticmethod
    def join(pieces: list[Frame]) -> Frame:
        if len(pieces) == 1:
            return pieces[0]
        names = [list(p.sparse) for p in pieces]
        if all(n == names[0] for n in names):
            df = pl.concat([p.df for p in pieces], how="diagonal_relaxed")
            return Frame(df, {k: _concat([p.sparse[k] for p in pieces]) for k in names[0]})
        return Frame(pl.concat([p.dense() for p in pieces], how="diagonal_relaxed"), {})


def _concat(pieces: list[Sparse | Runs]) -> Sparse | Runs:
    if all(isinstance(p, Runs) for p in pieces):
        return Runs.concat([p for p in pieces if isinstance(p, Runs)])
    return Sparse.concat([p for p in pieces if isinstance(p, Sparse)])
