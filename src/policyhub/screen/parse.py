"""Column readers: a polars Series (CSV text or a Parquet type) to NumPy, or problems.

Each reader takes the cells of one column at some rows (`rows`: their 0-based positions in
the file) and returns the values with a `missing` mask; a cell that is present but unreadable
is reported to `problems` and counts as missing. Money becomes int64 fen by integer
arithmetic only: text is split at the point, decimal(p, s) is read as its scaled integer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from policyhub.engine import creditcode
from policyhub.screen.problems import Problems
from policyhub.screen.views import _np_bool as _np_bool
from policyhub.screen.views import changes as changes  # (the reader needs it engine-free)

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

MAX_FEN = 10**15  # amounts must stay below 10^13 yuan
PLAIN_DECIMAL = r"^[0-9]+(\.[0-9]+)?$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DIGITS = r"^[0-9]+$"


def _is_text(s: pl.Series) -> bool:
    return s.dtype in (pl.String, pl.Categorical) or isinstance(s.dtype, pl.Enum)


def _text(s: pl.Series) -> pl.Series:
    return s if s.dtype == pl.String else s.cast(pl.String)


def _report(problems: Problems, column: str, rows: I64, bad: Bools, s: pl.Series,
            message: str) -> None:
    if bad.any():
        where = np.flatnonzero(bad)
        shown = s.gather(where[:200]).to_list()
        problems.rows(column, rows[where],
                      lambda i: f"{shown[i]!r} {message}" if i < len(shown) else message)


def missing(s: pl.Series) -> Bools:
    if s.null_count() == 0:
        return np.zeros(len(s), np.bool_)
    return _np_bool(s.is_null())


def money(s: pl.Series, rows: I64, column: str, problems: Problems) -> tuple[I64, Bools]:
    """Whole fen from a decimal string, a decimal(p, s) or an integer (yuan) column."""
    null = missing(s)
    if isinstance(s.dtype, pl.Decimal):
        fen, bad_scale, big = _decimal_fen(s)
    elif s.dtype.is_integer():
        raw = s.fill_null(0).cast(pl.Int64).to_numpy()
        big = (raw >= MAX_FEN // 100) | (raw < 0)
        fen, bad_scale = np.where(big, 0, raw * 100), np.zeros(len(s), np.bool_)
    elif _is_text(s):
        fen, bad_scale, big, form = _text_fen(_text(s))
        _report(problems, column, rows, form & ~null, s,
                "is not a plain decimal amount in yuan (e.g. 1200000 or 10500.50)")
        null = null | form
    else:
        problems.add(column, f"money must be a decimal, text or integer column, not {s.dtype}")
        return np.zeros(len(s), np.int64), np.ones(len(s), np.bool_)
    negative = (fen < 0) & ~null
    _report(problems, column, rows, negative, s, "must not be negative")
    _report(problems, column, rows, bad_scale & ~null & ~negative, s,
            "has more than two decimals (screening works in whole fen)")
    _report(problems, column, rows, big & ~null & ~negative, s,
            "is too large (amounts must stay below 10^13 yuan)")
    bad = null | negative | bad_scale | big
    return np.where(bad, 0, fen), bad


def _decimal_fen(s: pl.Series) -> tuple[I64, Bools, Bools]:
    """A decimal128(p, scale) column through its scaled integers: fen = unscaled * 10^(2-scale)."""
    dtype = s.dtype
    assert isinstance(dtype, pl.Decimal)
    scale = dtype.scale or 0
    arr = s.rechunk().to_arrow()
    words = np.frombuffer(arr.buffers()[1], np.int64)[2 * arr.offset: 2 * (arr.offset + len(arr))]
    lo, hi = words[0::2], words[1::2]
    fits = hi == (lo >> 63)  # the 128-bit value fits in int64
    lo = np.where(fits, lo, 0)
    bad_scale = np.zeros(len(s), np.bool_)
    if scale > 2:
        unit = 10 ** (scale - 2)
        bad_scale = lo % unit != 0
        lo = lo // unit
    elif scale < 2:
        unit = 10 ** (2 - scale)
        big_before = np.abs(lo) >= MAX_FEN // unit
        lo = np.where(big_before, 0, lo * unit)
        fits &= ~big_before
    big = ~fits | (lo >= MAX_FEN)
    return lo, bad_scale, big


def _text_fen(s: pl.Series) -> tuple[I64, Bools, Bools, Bools]:
    form = _np_bool(~s.str.contains(PLAIN_DECIMAL))
    whole = s.str.extract(r"^([0-9]+)", 1).str.to_integer(strict=False)
    frac = s.str.extract(r"\.([0-9]+)$", 1).fill_null("")
    cents = (frac + "00").str.slice(0, 2).str.to_integer(strict=False).fill_null(0).to_numpy()
    bad_scale = _np_bool(~frac.str.slice(2).str.contains(r"^0*$"))
    w = whole.fill_null(-1).to_numpy()
    big = (w < 0) | (w >= MAX_FEN // 100)
    fen = np.where(big | form, 0, w * 100 + cents)
    return fen, bad_scale, big & ~form, form


def dates(s: pl.Series, rows: I64, column: str, problems: Problems) -> tuple[I64, Bools]:
    """Days since 1970-01-01 from a date column or ISO YYYY-MM-DD text."""
    null = missing(s)
    if s.dtype == pl.Date:
        return s.to_physical().fill_null(0).cast(pl.Int64).to_numpy(), null
    if not _is_text(s):
        problems.add(column, f"dates must be a date or text column, not {s.dtype}")
        return np.zeros(len(s), np.int64), np.ones(len(s), np.bool_)
    t = _text(s)
    parsed = t.str.to_date("%Y-%m-%d", strict=False)
    bad = _np_bool((~t.str.contains(ISO_DATE) | parsed.is_null()) & t.is_not_null())
    _report(problems, column, rows, bad, s, "is not a date YYYY-MM-DD")
    return parsed.to_physical().fill_null(0).cast(pl.Int64).to_numpy(), null | bad


def bools(s: pl.Series, rows: I64, column: str, problems: Problems) -> tuple[Bools, Bools]:
    """true / false, from a boolean column or text in any case."""
    null = missing(s)
    if s.dtype == pl.Boolean:
        return _np_bool(s), null
    if not _is_text(s):
        problems.add(column, f"must be a boolean or text column, not {s.dtype}")
        return np.zeros(len(s), np.bool_), np.ones(len(s), np.bool_)
    low = _text(s).str.to_lowercase()
    bad = _np_bool(~low.is_in(["true", "false"]) & low.is_not_null())
    _report(problems, column, rows, bad, s, "must be true or false")
    return _np_bool(low == "true"), null | bad


def ints(s: pl.Series, rows: I64, column: str, problems: Problems) -> tuple[I64, Bools]:
    """Non-negative integers from an integer column or digits."""
    null = missing(s)
    if s.dtype.is_integer():
        v = s.fill_null(0).cast(pl.Int64).to_numpy()
        bad = (v < 0) & ~null
    elif _is_text(s):
        t = _text(s)
        v = t.str.to_integer(strict=False).fill_null(-1).to_numpy()
        bad = (_np_bool(~t.str.contains(DIGITS)) | (v < 0)) & ~null
    else:
        problems.add(column, f"must be an integer or text column, not {s.dtype}")
        return np.zeros(len(s), np.int64), np.ones(len(s), np.bool_)
    _report(problems, column, rows, bad, s, "must be a non-negative integer")
    return np.where(bad, 0, v), null | bad


def text(s: pl.Series, rows: I64, column: str, problems: Problems) -> tuple[pl.Series, Bools]:
    """Non-empty strings (an integer column, e.g. applicant_id, is read as its digits)."""
    if s.dtype.is_integer():
        s = s.cast(pl.String)
    elif not _is_text(s):
        problems.add(column, f"must be a text column, not {s.dtype}")
        return pl.Series(column, [None] * len(s), pl.String), np.ones(len(s), np.bool_)
    t = _text(s)
    null = missing(t)
    blank = t.str.len_bytes() == 0
    if not blank.any():  # the usual case: no conversion to NumPy
        return t, null
    empty = _np_bool(blank)
    problems.rows(column, rows[np.flatnonzero(empty)], "must be a non-empty string")
    return t, null | empty


def choice(s: pl.Series, values: Sequence[Any], rows: I64, column: str,
           problems: Problems) -> tuple[I64, Bools]:
    """The index of each cell in `values` (text, or integers for `rank`)."""
    null = missing(s)
    if isinstance(values[0], int):
        v, bad_int = ints(s, rows, column, Problems())
        code = np.full(len(s), -1, np.int64)
        for i, allowed in enumerate(values):
            code[v == allowed] = i
        bad = ((code < 0) | bad_int) & ~null
    elif _is_text(s):
        enum = pl.Enum(list(values))
        # (a column already of this Enum, such as a normalised batch's `type`, is coded)
        physical = (s if s.dtype == enum else _text(s).cast(enum, strict=False)).to_physical()
        if physical.null_count() == 0:  # every cell given and allowed: the usual case
            return physical.to_numpy().astype(np.int64), null
        code = physical.fill_null(len(values)).to_numpy().astype(np.int64)
        if physical.null_count() == s.null_count():
            bad = np.zeros(len(s), np.bool_)
        else:
            bad = (code == len(values)) & ~null
    else:
        problems.add(column, f"must be a text column, not {s.dtype}")
        return np.zeros(len(s), np.int64), np.ones(len(s), np.bool_)
    shown = " | ".join(str(v) for v in values)
    _report(problems, column, rows, bad, s, f"is not one of {shown}")
    return np.where(bad | null, 0, code), null | bad


def large_strings(s: pl.Series) -> pa.Array:
    """A text column as one pyarrow large_string array (polars' own layout: no copy, and no
    pyarrow cast, which would import pyarrow.compute)."""
    arr = _text(s).rechunk().to_arrow()
    if arr.type != pa.large_string():  # pragma: no cover - older polars
        arr = arr.cast(pa.large_string())
    return arr


def arrow_strings(s: pl.Series) -> pa.Array:
    """A text column as a pyarrow string (int32 offsets) array, built from its buffers."""
    arr = large_strings(s)
    validity, offsets, data = arr.buffers()
    wide = np.frombuffer(offsets, np.int64)[: arr.offset + len(arr) + 1]
    if len(wide) and wide[-1] >= 1 << 31:  # pragma: no cover - over 2 GB of text
        return arr.cast(pa.string())
    return pa.Array.from_buffers(pa.string(), len(arr), [validity, pa.py_buffer(
        wide.astype(np.int32)), data], offset=arr.offset)


# --- unified social credit codes (GB 32100-2015), vectorised --------------------------------

# Character values as float32, for a BLAS dot product: NumPy multiplies integer matrices
# without BLAS, two times slower here (float32 rather than float64: half the temporary).
# Every weighted sum of valid characters is an integer below 16,000, exact in float32 (up
# to 2^24); a character outside the alphabet is worth _BAD, which lifts the sum to _BAD or
# more whatever the others (rounding a sum of non-negative terms cannot bring it below).
_BAD = 1e6
_VALUE = np.full(256, _BAD, np.float32)
for _i, _c in enumerate(creditcode.ALPHABET):
    _VALUE[ord(_c)] = _i
_WEIGHTS = np.array(creditcode.WEIGHTS, np.float32)
_ALPHABET = np.frombuffer(creditcode.ALPHABET.encode(), np.uint8)


def credit_code_ok(codes: pl.Series) -> Bools:
    """True where the code is 18 characters of the alphabet with the right check character.

    Fast path over the bytes of codes that are 18 bytes long; `creditcode.problem` words the
    reason for the few that fail."""
    n = len(codes)
    ok = np.zeros(n, np.bool_)
    length = codes.str.len_bytes().fill_null(0).to_numpy()
    idx = np.flatnonzero(length == 18)
    if len(idx) == 0:
        return ok
    arr = large_strings(codes if len(idx) == n else codes.gather(idx))
    offsets = np.frombuffer(arr.buffers()[1], np.int64)[arr.offset: arr.offset + len(arr) + 1]
    body = np.frombuffer(arr.buffers()[2], np.uint8)[offsets[0]: offsets[-1]]
    chars = body.reshape(-1, 18)
    total = np.take(_VALUE, chars[:, :17]) @ _WEIGHTS
    bad = total >= _BAD
    check = (31 - np.where(bad, 0, total).astype(np.int64) % 31) % 31
    ok[idx] = ~bad & (_ALPHABET[check] == chars[:, 17])
    return ok


# --- typed (Parquet) columns, read through their Arrow buffers --------------------------------


class Native:
    """A date, integer, boolean or decimal column as zero-copy NumPy views of its Arrow
    buffers; `take(at)` gathers values and validity at some rows without Polars."""

    def __init__(self, s: pl.Series):
        arr = s.rechunk().to_arrow()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        self.dtype = s.dtype
        self.offset, self.n = arr.offset, len(arr)
        buffers = arr.buffers()
        self.bitmap = None if buffers[0] is None or arr.null_count == 0 else \
            np.frombuffer(buffers[0], np.uint8)
        data = buffers[1]
        self.scale = 0
        self._null: Bools | None = None
        if isinstance(s.dtype, pl.Decimal):
            # Each value is 16 bytes (low word, high word). Gathered as complex128, one
            # 16-byte element per value: four times faster than two strided int64 gathers.
            self.pairs = np.frombuffer(data, np.complex128)[self.offset: self.offset + self.n]
            self.scale = s.dtype.scale or 0
        elif s.dtype == pl.Boolean:
            self.bits = np.frombuffer(data, np.uint8)
        else:
            physical = pl.Int32 if s.dtype == pl.Date else s.dtype
            self.values = np.frombuffer(data, _NP[physical])[self.offset: self.offset + self.n]

    @staticmethod
    def fits(s: pl.Series) -> bool:
        return Native.fits_dtype(s.dtype)

    @staticmethod
    def fits_dtype(d: pl.DataType) -> bool:
        return d == pl.Date or d == pl.Boolean or d.is_integer() or isinstance(d, pl.Decimal)

    def null(self, at: I64) -> Bools:
        if self.bitmap is None:
            return np.zeros(len(at), np.bool_)
        if len(at) * 8 > self.n:  # many rows: unpack the whole bitmap once
            return self._nulls()[at]
        i = at + self.offset
        null: Bools = ((self.bitmap[i >> 3] >> (i & 7)) & 1) == 0
        return null

    def every(self) -> tuple[I64, Bools]:
        """An integer column's values at every row, as int64, and where they are null."""
        values: I64 = self.values.astype(np.int64)
        if self.bitmap is None:
            return values, np.zeros(self.n, np.bool_)
        return values, self._nulls().copy()

    def _nulls(self) -> Bools:
        """Where the column is null, every row (the bitmap unpacked once, cached)."""
        assert self.bitmap is not None
        if self._null is None:
            bits = np.unpackbits(self.bitmap, bitorder="little")
            self._null = bits[self.offset: self.offset + self.n] == 0
        return self._null

    def take(self, at: I64) -> npt.NDArray[Any]:
        """Values at `at`: booleans, or integers / days as int64."""
        out: npt.NDArray[Any]
        if self.dtype == pl.Boolean:
            i = at + self.offset
            out = ((self.bits[i >> 3] >> (i & 7)) & 1).astype(np.bool_)
        else:
            out = np.take(self.values, at).astype(np.int64, copy=False)
        return out

    def money(self, at: I64) -> tuple[I64, Bools, Bools, Bools]:
        """(fen, negative, more than two decimals, too large) at `at`; decimals through
        their unscaled integers, integer columns as whole yuan."""
        if isinstance(self.dtype, pl.Decimal):
            words = np.take(self.pairs, at).view(np.int64).reshape(-1, 2)
            return decimal_money(np.ascontiguousarray(words[:, 0]), words[:, 1], self.scale)
        return yuan_money(self.values[at].astype(np.int64))


class Pieces:
    """A typed column as it was read, in pieces (a normalised batch's event column holds one
    piece per table, or per run of tables that lack it), with Native's methods: rows that
    fall in one piece are read from that piece's buffers, and only rows spanning pieces
    (the event indices, every row at once) join the pieces into one array. Joining every
    column's pieces cost 0.11-0.16 s of a million applicants' CPU time (measured)."""

    def __init__(self, s: pl.Series):
        self.dtype = s.dtype
        self.s = s
        self.chunks = s.get_chunks() if s.n_chunks() > 1 else [s]
        self.starts = np.cumsum([0] + [len(c) for c in self.chunks])
        self._pieces: dict[int, Native] = {}

    def _piece(self, i: int) -> Native:
        if i not in self._pieces:
            self._pieces[i] = Native(self.s if len(self.chunks) == 1 else self.chunks[i])
        return self._pieces[i]

    def _at(self, at: I64) -> tuple[Native, I64]:
        """The Native holding every row of `at`, and the rows in it."""
        if len(self.chunks) == 1 or len(at) == 0:
            return self._piece(0) if len(self.chunks) == 1 else self._joined(), at
        lo, hi = int(at.min()), int(at.max())
        i = int(np.searchsorted(self.starts, lo, side="right")) - 1
        if hi < self.starts[i + 1]:
            return self._piece(i), at - self.starts[i] if self.starts[i] else at
        return self._joined(), at

    def _joined(self) -> Native:
        if -1 not in self._pieces:
            self._pieces[-1] = Native(self.s)
        return self._pieces[-1]

    def null(self, at: I64) -> Bools:
        native, rows = self._at(at)
        return native.null(rows)

    def take(self, at: I64) -> npt.NDArray[Any]:
        native, rows = self._at(at)
        return native.take(rows)

    def money(self, at: I64) -> tuple[I64, Bools, Bools, Bools]:
        native, rows = self._at(at)
        return native.money(rows)

    def every(self) -> tuple[I64, Bools]:
        return (self._piece(0) if len(self.chunks) == 1 else self._joined()).every()


def decimal_money(lo: I64, hi: I64, scale: int) -> tuple[I64, Bools, Bools, Bools]:
    """(fen, negative, more than two decimals, too large) of decimals given as the low and
    high words of their unscaled integers."""
    if scale == 2 and _plain_fen(lo, hi):  # the usual case, in three passes
        none = np.zeros(len(lo), np.bool_)
        return lo, none, none, none
    negative = hi < 0
    fits = hi == (lo >> 63)
    fen, bad_scale = _rescale(np.where(fits & ~negative, lo, 0), scale)
    big = ~negative & (~fits | (fen >= MAX_FEN))
    bad_scale &= ~negative & ~big
    return np.where(negative | big | bad_scale, 0, fen), negative, bad_scale, big


def yuan_money(yuan: I64) -> tuple[I64, Bools, Bools, Bools]:
    """money() of integers: whole yuan."""
    negative = yuan < 0
    big = ~negative & (yuan >= MAX_FEN // 100)
    fen, bad_scale = np.where(negative | big, 0, yuan * 100), np.zeros(len(yuan), np.bool_)
    return np.where(negative | big, 0, fen), negative, bad_scale, big


def _plain_fen(lo: I64, hi: I64) -> bool:
    """Whether every decimal(p, 2) value is non-negative and below MAX_FEN: then its low
    word is the amount in fen (the high word of a non-negative value below 2^63 is 0)."""
    return bool((hi == 0).all() and (lo >= 0).all() and (lo < MAX_FEN).all())


def _rescale(unscaled: I64, scale: int) -> tuple[I64, Bools]:
    """Fen from unscaled decimal integers, and where a value has sub-fen digits."""
    if scale == 2:
        return unscaled, np.zeros(len(unscaled), np.bool_)
    if scale > 2:
        unit = 10 ** (scale - 2)
        return unscaled // unit, unscaled % unit != 0
    unit = 10 ** (2 - scale)
    small = unscaled < MAX_FEN // unit
    return np.where(small, unscaled * unit, MAX_FEN), np.zeros(len(unscaled), np.bool_)


_NP: dict[Any, Any] = {pl.Int8: np.int8, pl.Int16: np.int16, pl.Int32: np.int32,
                       pl.Int64: np.int64, pl.UInt8: np.uint8, pl.UInt16: np.uint16,
                       pl.UInt32: np.uint32, pl.UInt64: np.uint64}
