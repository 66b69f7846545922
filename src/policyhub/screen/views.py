"""Comparisons read through a column's Arrow buffers, without the engine or the rules.

The reader (policyhub.screen.io) needs `changes` to cut batches at applicant boundaries; it
lives here, with nothing but NumPy, Polars and pyarrow below it, so that the CLI can start
reading the first batches while the engine, the parameters and the kernel are still being
imported (docs/screening.md, "How the CLI runs")."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

Bools = npt.NDArray[np.bool_]


def _np_bool(s: pl.Series) -> Bools:
    out: Bools = s.fill_null(False).to_numpy().astype(np.bool_, copy=False)
    return out


# --- where a column changes from row to row, through its Arrow buffers ---------------------


def changes(s: pl.Series, skip: Bools | None = None) -> Bools:
    """Where each cell differs from the cell before it (a null equals a null; the first cell
    never differs). Rows flagged in `skip` are returned False, and not compared as text.

    Compared through the Arrow buffers, without Polars' string comparison (which reads both
    strings whenever they are longer than 12 bytes): two text cells with the same 16-byte
    view hold the same string (same length and bytes, or the same place in the same buffer),
    so only cells whose views differ are compared as strings. A column decoded from a Parquet
    dictionary gives equal strings the same view, and an applicant's rows repeat its
    values: few cells are left to compare."""
    n = len(s)
    out = np.zeros(n, np.bool_)
    if n < 2:
        return out
    arr = s.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(arr, pa.ChunkedArray):  # pragma: no cover - polars hands one array
        arr = arr.combine_chunks()
    kind = arr.type
    buffers = arr.buffers()
    start, stop = arr.offset, arr.offset + n
    text = pa.types.is_string_view(kind) or pa.types.is_binary_view(kind)
    if text:
        views = np.frombuffer(buffers[1], np.uint64).reshape(-1, 2)[start:stop]
        maybe = (views[1:, 0] != views[:-1, 0]) | (views[1:, 1] != views[:-1, 1])
    elif pa.types.is_boolean(kind):
        bits = _bits(buffers[1], start, stop)
        maybe = bits[1:] != bits[:-1]
    elif pa.types.is_integer(kind) or pa.types.is_date32(kind):
        values = np.frombuffer(buffers[1], f"i{kind.bit_width // 8}")[start:stop]
        maybe = values[1:] != values[:-1]
    else:  # any other type: Polars compares
        out[1:] = _np_bool(s.ne_missing(s.shift(1)).slice(1))
        if skip is not None:
            out &= ~skip
        return out
    differ = out[1:]
    if arr.null_count:
        valid = _bits(buffers[0], start, stop)
        both = valid[1:] & valid[:-1]  # a null cell's view or value is left over: ignore it
        np.not_equal(valid[1:], valid[:-1], out=differ)
        maybe &= both
    if not text:
        differ |= maybe
    else:
        if skip is not None:
            maybe &= ~skip[1:]
        at = np.flatnonzero(maybe) + 1
        if len(at):
            ne = s.gather(at).ne(s.gather(at - 1))
            differ[at - 1] = _np_bool(ne)
    if skip is not None:
        out &= ~skip
    return out


def _bits(buffer: pa.Buffer, start: int, stop: int) -> Bools:
    bits: Bools = np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")[
        start:stop].view(np.bool_)
    return bits
