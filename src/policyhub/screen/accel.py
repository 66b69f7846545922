"""The encoder's compiled passes over text columns (`_accel.c`), behind checked wrappers.

Three operations of the encoder read a text column cell by cell: the index of each cell in
a closed vocabulary (`type`, `kind` and the other choices), where a cell differs from the
one before (applicant runs), and the check of unified social credit codes. In NumPy and
Polars each takes several passes (a cast, a gather, a comparison, a gather of the cells
that differ); in C each is one loop over the column's 16-byte Arrow string views, run
without the GIL (docs/screening.md, "The compiled passes").

Every function here returns None when it cannot run — the extension was not built, it is
turned off (POLICYHUB_SCREEN_ACCEL=0), or the column is not a string column — and the
caller then runs its NumPy/Polars equivalent, which the tests compare it with on random
columns. Nothing is decided in C: the wrappers hand it buffers whose types, lengths and
lifetimes they have checked, and read back integers.

This module imports only NumPy, Polars and pyarrow (the reader uses `changes`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

_compiled: ModuleType | None
try:
    from policyhub.screen import _accel as _compiled
except ImportError:  # not built (no compiler at install): the NumPy paths run
    _compiled = None

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

SETTING = "POLICYHUB_SCREEN_ACCEL"
_ON, _OFF = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def setting_problem(environ: Any = os.environ) -> str | None:
    """What is wrong with POLICYHUB_SCREEN_ACCEL, or None (unset or empty: on)."""
    value = environ.get(SETTING, "").strip().lower()
    if value and value not in _ON | _OFF:
        return (f"{SETTING}={environ[SETTING]!r}: expected one of "
                + ", ".join(sorted(_ON | _OFF)))
    return None


def _wanted(environ: Any = os.environ) -> bool:
    return environ.get(SETTING, "").strip().lower() not in _OFF


BUILT = _compiled is not None
MISSING = ("the compiled passes (policyhub.screen._accel) are not built: the NumPy paths run "
           "(same results, slower; install with a C compiler to build them)")
ACTIVE = BUILT and _wanted()  # read once; tests switch it with monkeypatch


def _c() -> ModuleType:
    assert _compiled is not None  # (only called where applies() was true)
    return _compiled


def _rows(at: I64, n: int, caller: str) -> I64:
    """`at`, once every row in it is one of the column's n rows (the C passes index with
    them unchecked)."""
    if len(at) and (int(at.min()) < 0 or int(at.max()) >= n):
        raise IndexError(f"{caller}: row out of range")
    return at


def applies(s: pl.Series) -> bool:
    """Whether the compiled passes run on `s`: built, on, and a string column."""
    return ACTIVE and s.dtype == pl.String


class _Views:
    """A string column's Arrow buffers as addresses for the C passes; keeps the array (and
    so the buffers) alive as long as it is referenced."""

    def __init__(self, arr: pa.Array):
        buffers = arr.buffers()
        self.arr = arr
        self.n, self.offset = len(arr), arr.offset
        self.views = buffers[1].address if buffers[1] is not None else 0  # (none when empty)
        self.valid = buffers[0].address if buffers[0] is not None and arr.null_count else 0
        data = [b.address for b in buffers[2:] if b is not None]
        self.data = np.array(data or [0], np.uint64)

    @classmethod
    def of(cls, s: pl.Series) -> _Views | None:
        if not applies(s):
            return None
        arr = s.to_arrow(compat_level=pl.CompatLevel.newest())
        if isinstance(arr, pa.ChunkedArray):  # pragma: no cover - polars hands one array
            arr = arr.combine_chunks()
        if not pa.types.is_string_view(arr.type):  # pragma: no cover - older polars
            return None
        return cls(arr)


@lru_cache(maxsize=64)
def _vocabulary(values: tuple[str, ...]) -> tuple[list[bytes], npt.NDArray[np.uint64],
                                                  npt.NDArray[np.uint32]]:
    """The values' UTF-8 bytes, their addresses and lengths (kept alive by the cache)."""
    encoded = [v.encode() for v in values]
    held = [np.frombuffer(b or b"\0", np.uint8) for b in encoded]
    addresses = np.array([h.ctypes.data for h in held], np.uint64)
    lengths = np.array([len(b) for b in encoded], np.uint32)
    return held, addresses, lengths  # type: ignore[return-value]


def codes(s: pl.Series, values: Sequence[str], at: I64 | None = None
          ) -> tuple[I64, int] | None:
    """(code per cell, count of cells in none of `values`) for the cells of `s` at rows
    `at` (every row when None): the cell's index in `values`, -1 where it is null, -2
    where it is none of them. None when the compiled pass cannot run."""
    views = _Views.of(s)
    if views is None:
        return None
    if at is not None:
        at = _rows(np.ascontiguousarray(at, np.int64), views.n, "codes")
    held, addresses, lengths = _vocabulary(tuple(values))
    n = views.n if at is None else len(at)
    out = np.empty(n, np.int64)
    missing = _c().codes(views.views, views.valid, views.offset,
                         0 if at is None else at.ctypes.data, n, views.data.ctypes.data,
                         addresses.ctypes.data, lengths.ctypes.data, len(held), out.ctypes.data)
    return out, int(missing)


def changes(s: pl.Series) -> Bools | None:
    """Where each cell differs from the cell before it (a null equals a null; the first
    cell never differs), or None when the compiled pass cannot run."""
    views = _Views.of(s)
    if views is None:
        return None
    out = np.empty(views.n, np.bool_)
    _c().changes(views.views, views.valid, views.offset, views.n, views.data.ctypes.data,
                 out.ctypes.data)
    return out


def credit_codes(s: pl.Series, alphabet: str, weights: Sequence[int]) -> Bools | None:
    """Where a cell is a unified social credit code: len(weights) + 1 characters of
    `alphabet`, the last the check character of the others (GB 32100-2015; the alphabet
    and weights come from policyhub.engine.creditcode). None when the pass cannot run."""
    found = credit_code_status(s, alphabet, weights)
    return None if found is None else found == VALID


VALID, INVALID, NULL = 1, 0, 2  # credit_code_status


def credit_code_status(s: pl.Series, alphabet: str, weights: Sequence[int],
                       at: I64 | None = None) -> npt.NDArray[np.uint8] | None:
    """Per cell at rows `at` (every row when None): VALID (a credit code as above), NULL or
    INVALID; None when the pass cannot run."""
    views = _Views.of(s)
    if views is None:
        return None
    if at is not None:
        at = _rows(np.ascontiguousarray(at, np.int64), views.n, "credit_code_status")
    table, weight, chars = _credit_tables(alphabet, tuple(weights))
    n = views.n if at is None else len(at)
    out = np.empty(n, np.uint8)
    _c().credit_codes(views.views, views.valid, views.offset, 0 if at is None else at.ctypes.data,
                      n, views.data.ctypes.data, table.ctypes.data, weight.ctypes.data,
                      chars.ctypes.data, len(alphabet), len(weights) + 1, out.ctypes.data)
    return out


@lru_cache(maxsize=4)
def _credit_tables(alphabet: str, weights: tuple[int, ...]
                   ) -> tuple[npt.NDArray[np.int8], I64, npt.NDArray[np.uint8]]:
    assert alphabet.isascii(), "one byte per character"
    table = np.full(256, -1, np.int8)
    for value, char in enumerate(alphabet):
        table[ord(char)] = value
    return table, np.array(weights, np.int64), np.frombuffer(alphabet.encode(), np.uint8)


# --- event rows by type, and annual revenue, when the export is in its usual shape --------


def _int64s(*arrays: npt.NDArray[Any]) -> bool:
    n = len(arrays[0])
    return all(a.dtype == np.int64 and a.flags.c_contiguous and len(a) == n for a in arrays)


def by_type(types: I64, index: I64, app: I64, fees: int, k: int) -> tuple[I64, I64] | None:
    """(the rows grouped by type in row order, the count of each type) when every row is a
    valid event in (applicant, event_index) order without gaps or repeats (but a fee
    event's rows), else None: the NumPy path sorts the rows and words the problems."""
    if not ACTIVE or not _int64s(types, index, app) or not 0 < k <= 256:
        return None
    rows, counts = np.empty(len(types), np.int64), np.empty(k, np.int64)
    ok = _c().by_type(types.ctypes.data, index.ctypes.data, app.ctypes.data, len(types), fees,
                      k, rows.ctypes.data, counts.ctypes.data)
    return (rows, counts) if ok else None


Revenue = tuple[I64, I64, I64, I64, I64]  # rows, applicants, event indices, years, fen


def revenue(at: I64, app: I64, index: I64, years: npt.NDArray[Any], year_bitmap: Any,
            year_offset: int, amounts: npt.NDArray[np.complex128], amount_bitmap: Any,
            amount_offset: int, low: int, high: int, limit: int) -> Revenue | None:
    """The revenue rows `at` sorted by (applicant, year), with their applicants, event
    indices, years and fen, when every year is given and in [low, high], every amount given,
    below `limit` fen and non-negative (a decimal(p, 2): its unscaled integer is the fen),
    and no applicant has a year twice; else None (the NumPy path words the problems).
    `years` and `amounts` (16-byte decimals) are indexed by row; the bitmaps (NumPy uint8
    arrays or None) start at bit `*_offset`."""
    if not ACTIVE or not _int64s(app, index) or not _int64s(at) or years.ndim != 1:
        return None
    if years.dtype not in (np.int32, np.int64) or amounts.dtype != np.complex128 or \
            not (years.flags.c_contiguous and amounts.flags.c_contiguous) or \
            len(years) != len(app) or len(amounts) != len(app):
        return None
    _rows(at, len(app), "revenue")
    n = len(at)
    out = [np.empty(n, np.int64) for _ in range(5)]
    ok = _c().revenue(at.ctypes.data, n, app.ctypes.data, index.ctypes.data, years.ctypes.data,
                      years.itemsize, _address(year_bitmap), year_offset, amounts.ctypes.data,
                      _address(amount_bitmap), amount_offset, low, high, limit,
                      *(o.ctypes.data for o in out))
    return (out[0], out[1], out[2], out[3], out[4]) if ok else None


def _address(bitmap: npt.NDArray[np.uint8] | None) -> int:
    return 0 if bitmap is None else int(bitmap.ctypes.data)


# --- the output table (result.py) -------------------------------------------------------------


def order(app: I64, place: I64, apps: int) -> tuple[bool, npt.NDArray[np.intp] | None] | None:
    """Sorting one kind's entries by (applicant, place), stably: (False, None) when they are
    in that order already, (True, permutation) otherwise; None when the pass cannot run
    (off, or an applicant number outside [0, apps))."""
    if not ACTIVE or not _int64s(app, place):
        return None
    out = np.empty(len(app), np.intp)
    if out.dtype != np.int64:  # pragma: no cover - a 32-bit platform
        return None
    status = _c().order(app.ctypes.data, place.ctypes.data, len(app), apps, out.ctypes.data)
    if status < 0:
        return None
    return (True, out) if status else (False, None)


def decimal_words(fen: I64, valid: Bools) -> npt.NDArray[np.int64] | None:
    """The decimal128 words (n × 2: low, sign-extended high) of fen, 0 where not valid."""
    if not ACTIVE or not _int64s(fen) or valid.dtype != np.bool_ or len(valid) != len(fen) \
            or not valid.flags.c_contiguous:
        return None
    words = np.empty((len(fen), 2), np.int64)
    _c().decimal_words(fen.ctypes.data, valid.ctypes.data, len(fen), words.ctypes.data)
    return words


def matter_keys(s: pl.Series, at: I64, index: I64, prefix: str, digits: int, shift: int,
                own: int, revenue: int, given: int) -> tuple[I64, I64] | None:
    """(key per event row at[j], the rows where each distinct matter first appears) for the
    matter column `s`: rows without a matter (null or empty) get own << shift | their
    event_index, matters spelled `prefix` + `digits` digits (the first not 0) revenue <<
    shift | the year, any other given << shift | its number in order of first appearance
    (every distinct matter is numbered). None when the pass cannot run."""
    views = _Views.of(s)
    if views is None or not _int64s(at) or not _int64s(index) or len(index) != views.n:
        return None
    _rows(at, views.n, "matter_keys")
    code = np.frombuffer(prefix.encode(), np.uint8)
    assert len(code) == len(prefix), "an ASCII prefix"
    keys, first = np.empty(len(at), np.int64), np.empty(len(at), np.int64)
    distinct = _c().matter_keys(views.views, views.valid, views.offset, views.data.ctypes.data,
                                at.ctypes.data, len(at), index.ctypes.data, code.ctypes.data,
                                len(code), digits, shift, own, revenue, given,
                                keys.ctypes.data, first.ctypes.data)
    if distinct < 0:  # pragma: no cover - out of memory
        return None
    return keys, first[:distinct]


def matter_keys_in_rows(s: pl.Series, types: I64, include: Sequence[bool], total: int,
                        index: I64, prefix: str, digits: int, shift: int, own: int,
                        revenue: int, given: int) -> tuple[I64, I64] | None:
    """matter_keys for `at` = the rows of each included type in row order, type after type
    (type codes `types` per row, in [0, len(include)); `total` rows in all), read in row
    order: the same keys, numbering and first rows. None when the pass cannot run (or the
    included types do not have `total` rows)."""
    views = _Views.of(s)
    k = len(include)
    if views is None or not _int64s(types, index) or len(types) != views.n or not 0 < k <= 256:
        return None
    wanted = np.array(include, np.uint8)
    code = np.frombuffer(prefix.encode(), np.uint8)
    assert len(code) == len(prefix), "an ASCII prefix"
    keys, first = np.empty(total, np.int64), np.empty(max(total, 1), np.int64)
    distinct = _c().matter_keys_in_rows(
        views.views, views.valid, views.offset, views.data.ctypes.data, types.ctypes.data,
        views.n, wanted.ctypes.data, k, index.ctypes.data, code.ctypes.data, len(code), digits,
        shift, own, revenue, given, keys.ctypes.data, total, first.ctypes.data)
    if distinct < 0:  # -1 out of memory, -2 not `total` rows
        return None
    return keys, first[:distinct]
