"""Reading a registry export in batches of whole applicants, and writing the decisions.

Input: Parquet (read one row group at a time) or CSV (read as text, in blocks), cut into
batches of BATCH_APPLICANTS whole applicants: the rows of an applicant that goes on past a
block are carried over to the next, so `screen_frame` can decide every batch alone.

Output, by suffix: `.parquet` and `.csv` get the long table (result.SCHEMA), `.jsonl` one
decision per applicant. Everything is written to a temporary file beside the target and
renamed into place only when the whole input was decided: bad input leaves nothing behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from policyhub.screen.views import changes

if TYPE_CHECKING:
    from policyhub.screen.normalised import Tables
    from policyhub.screen.result import ScreenResult

# Reading needs nothing of the engine or the kernel (the CLI reads the first batches while
# those are imported): the writers import the output schema when they are made.

CSV_BLOCK = 64 << 20  # bytes of CSV text per block
# Applicants per batch: a batch is decided at once (about 470k input rows and 60 MB of
# arrays for the synthetic registry); two are decided at a time while the next is read.
BATCH_APPLICANTS = 1 << 16
FIRST_SPLIT_ROWS = 1 << 16  # a first row group this large is read in two slices
FORMATS = (".parquet", ".csv", ".jsonl")
CONTRACT = "policyhub.screen/1"


class InputFileError(ValueError):
    """The input cannot be read at all (missing, unknown format, not CSV/Parquet)."""


MAX_BYTES_SETTING = "POLICYHUB_SCREEN_MAX_BYTES"
MAX_BYTES_DEFAULT = 1 << 30
CELL_BYTES = 16  # an Arrow value slot at most (a string view, a decimal128)


def max_bytes(environ: Any = os.environ) -> int:
    """POLICYHUB_SCREEN_MAX_BYTES (docs/api.md), or InputFileError for a bad value."""
    raw = environ.get(MAX_BYTES_SETTING, "").strip()
    if not raw:
        return MAX_BYTES_DEFAULT
    if not raw.isdigit() or int(raw) == 0:
        raise InputFileError(f"{MAX_BYTES_SETTING}={raw!r}: expected a positive number of "
                             "bytes")
    return int(raw)


def parquet_metadata(path: Path, limit: int | None = None) -> Any:
    """The file's Parquet metadata, after checking that no row group would need more than
    `limit` bytes (max_bytes()) by what it declares — its uncompressed column chunks plus
    CELL_BYTES a cell, the most a decoded cell takes — so that a hostile file is refused
    before a byte of data is decoded. InputFileError for a file pyarrow cannot open."""
    limit = max_bytes() if limit is None else limit
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise InputFileError(f"{path}: cannot read as Parquet: {_one_line(exc)}") from None
    columns = meta.num_columns
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        declared = sum(max(group.column(c).total_uncompressed_size, 0) for c in range(columns))
        need = declared + group.num_rows * columns * CELL_BYTES
        if group.num_rows < 0 or need > limit:
            raise InputFileError(
                f"{path}: row group {i} declares {group.num_rows:,} rows and {declared:,} bytes "
                f"(about {need:,} bytes in memory), more than {MAX_BYTES_SETTING}={limit:,}; "
                "write smaller row groups")
    return meta


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def input_format(path: Path) -> str:
    if path.is_dir():
        return "normalised"
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise InputFileError(f"{path}: unknown input format {suffix!r}: use .parquet or .csv")


def frames(path: Path, applicants: int | None = None
           ) -> Iterator[tuple[int, pl.DataFrame | Tables]]:
    """(first row, frame) for consecutive runs of whole applicants, in file order, whatever
    the file's row groups or CSV blocks: a quarter of `applicants` (BATCH_APPLICANTS), then
    the other three quarters, then `applicants` at a time (the last batch fewer).

    Cutting by a count of applicants, not at block ends, makes the output (which lists each
    batch's entries kind by kind) independent of how the input was written; a file written
    in row groups of exactly `applicants` applicants is read without a copy. The small first
    batch lets deciding start while most of the first row group is still being read. A
    normalised input (a directory: normalised.py) comes as normalised.Tables."""
    sizes = _schedule(applicants or BATCH_APPLICANTS)
    size = next(sizes)
    fmt = input_format(path)
    if fmt == "normalised":  # (its batches follow the same schedule)
        from policyhub.screen.normalised import batches as tables

        yield from tables(path, applicants or BATCH_APPLICANTS)
        return
    blocks = _parquet_blocks(path, size) if fmt == "parquet" else _csv_blocks(path)
    yield from _cut(blocks, sizes, size)


batches = frames


def _cut(blocks: Iterator[tuple[pl.DataFrame, Peek | None]], sizes: Iterator[int], size: int
         ) -> Iterator[tuple[int, pl.DataFrame]]:
    row = 0
    held: list[pl.DataFrame] = []  # the pieces of the next batch
    count = 0  # applicants started in `held` (the last one may go on in the next block)
    last: pl.Series | None = None  # the last applicant_id of `held`, as a 1-row series
    # No local name keeps a batch or a block once it is handed on or held: the next block
    # is read while such a name would keep the last one alive (a row group of the synthetic
    # registry is about 190 MB in memory, and a run's peak memory is paid for in page
    # faults: about 0.07 s of system time per 100 MB).
    for block, peek in blocks:
        if block.height == 0:
            continue
        if "applicant_id" not in block.columns:  # refused by encode; no applicants to count
            row += block.height
            yield row - block.height, block
            del block
            continue
        starts = _applicant_starts(block, last if held else None)
        while len(starts) > size - count:  # the applicant at starts[need] opens a batch
            need = size - count
            cut = int(starts[need])
            frame = _join([*held, block.slice(0, cut)] if cut else held)
            held = []
            block, starts = block.slice(cut), starts[need:] - cut
            row += frame.height
            yield row - frame.height, frame
            del frame
            count, size = 0, next(sizes)
        held.append(block)
        del block
        count += len(starts)
        last = _last_id(held[-1])
        if count == size and peek is not None and not _goes_on(peek(), last):
            frame = _join(held)  # full, and the next block starts another applicant
            held = []
            row += frame.height
            yield row - frame.height, frame
            del frame
            count, size = 0, next(sizes)
    if held:
        yield row, _join(held)


def _schedule(applicants: int) -> Iterator[int]:
    first = max(applicants // 4, 1)
    yield first
    yield max(applicants - first, 1)
    while True:
        yield applicants


def _goes_on(following: pl.Series | None, last: pl.Series) -> bool:
    """Whether the next block's first applicant_id is the last applicant's."""
    if following is None or following.dtype != last.dtype:
        return False
    return not bool(following.ne_missing(last).item())


def _join(pieces: list[pl.DataFrame]) -> pl.DataFrame:
    if len(pieces) == 1:
        return pieces[0]
    return pl.concat(pieces, how="diagonal_relaxed")


def _last_id(block: pl.DataFrame) -> pl.Series:
    """The block's last applicant_id, as a 1-row series."""
    return block.get_column("applicant_id").tail(1)


def _applicant_starts(block: pl.DataFrame, last: pl.Series | None) -> npt.NDArray[np.int64]:
    """Rows of `block` where an applicant starts: applicant_id differs from the row before
    (nulls equal to nulls); the first row unless it goes on with `last`."""
    ids = block.get_column("applicant_id")
    change = changes(ids)
    if last is None or last.dtype != ids.dtype:
        change[0] = True
    else:
        change[0] = bool(ids.head(1).ne_missing(last).item())
    return np.flatnonzero(change).astype(np.int64)


def size_hint(path: Path) -> tuple[int, str]:
    """How much there is to read, for the progress bar: (rows, "rows") or (bytes, "B")."""
    fmt = input_format(path)
    if fmt == "parquet":
        return pq.ParquetFile(path).metadata.num_rows, "rows"
    if fmt == "normalised":
        from policyhub.screen.normalised import APPLICANTS, tables

        return sum(pq.ParquetFile(p).metadata.num_rows for name, p in tables(path).items()
                   if name != APPLICANTS), "rows"
    return path.stat().st_size, "B"


Peek = Callable[[], "pl.Series | None"]


def _parquet_blocks(path: Path, first: int | None = None
                    ) -> Iterator[tuple[pl.DataFrame, Peek | None]]:
    """Row groups, each with a look at the next one's first applicant_id. A first row group
    of FIRST_SPLIT_ROWS rows or more comes in two slices, cut where its applicant number
    `first` starts (the first batch is that many applicants): deciding starts once the
    first slice is read, and neither slice has to be joined to another piece. (Cut anywhere
    else, the rest of the first slice was joined to the second, and that batch's columns,
    in two chunks, were copied into one when encoded: 0.15 s of CPU per million applicants.)"""
    meta = parquet_metadata(path)
    names = set(meta.schema.names)
    pieces: list[tuple[int, int, int]] = []  # (row group, first row, rows)
    offset = 0
    for i in range(meta.num_row_groups):
        rows = meta.row_group(i).num_rows
        head = rows
        if i == 0 and first and rows >= FIRST_SPLIT_ROWS and "applicant_id" in names:
            head = _applicant_row(path, rows, first)
        pieces += [(i, offset, head)] + ([(i, offset + head, rows - head)] if head < rows
                                         else [])
        offset += rows

    def peek_at(row: int) -> Peek | None:
        if "applicant_id" not in names:
            return None

        def peek() -> pl.Series | None:
            if row >= offset:
                return None
            head = pl.scan_parquet(path).select("applicant_id").slice(row, 1).collect()
            return head.get_column("applicant_id")
        return peek

    for _, start, rows in pieces:
        block = pl.scan_parquet(path).slice(start, rows).collect()
        yield block, peek_at(start + rows)
        del block


def _applicant_row(path: Path, rows: int, n: int) -> int:
    """The row, among the first `rows`, where applicant number `n` (0-based) starts; `rows`
    when fewer applicants start there."""
    ids = pl.scan_parquet(path).select("applicant_id").slice(0, rows).collect()
    starts = np.flatnonzero(changes(ids.get_column("applicant_id")))  # (row 0 never differs)
    return int(starts[n - 1]) if len(starts) >= n else rows


def _csv_blocks(path: Path) -> Iterator[tuple[pl.DataFrame, Peek | None]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read as UTF-8 CSV: {exc}") from None
    if not header:
        raise InputFileError(f"{path}: the CSV file has no header row")
    import pyarrow.csv as pacsv  # only CSV input needs it

    convert = pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                   strings_can_be_null=True, null_values=[""])
    reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=CSV_BLOCK),
                            convert_options=convert)
    try:
        for record_batch in reader:
            frame = pl.from_arrow(record_batch)
            assert isinstance(frame, pl.DataFrame)
            yield frame, None  # a CSV block cannot look ahead: batches wait for the next
    except pa.ArrowInvalid as exc:
        raise InputFileError(f"{path}: malformed CSV: {exc}") from None


# --- writers --------------------------------------------------------------------------------


class Writer(Protocol):
    def write(self, result: ScreenResult) -> None: ...

    def close(self) -> None: ...


def check_output(path: Path) -> str:
    """The output format (its suffix), or InputFileError for one not written here."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputFileError(f"{path}: unknown output format {suffix!r}: use "
                             + ", ".join(FORMATS))
    return suffix


class Output:
    """A writer into a temporary file, renamed onto `path` by `commit()`, removed otherwise."""

    def __init__(self, path: Path, *, as_of: dt.date, options: dict[str, str]):
        suffix = check_output(path)
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        kinds: dict[str, type[_ParquetWriter | _CsvWriter | _JsonlWriter]] = {
            ".parquet": _ParquetWriter, ".csv": _CsvWriter, ".jsonl": _JsonlWriter}
        self.writer: Writer = kinds[suffix](self.tmp, as_of, options)
        self.done = False

    def write(self, result: ScreenResult) -> None:
        self.writer.write(result)

    def commit(self) -> None:
        self.writer.close()
        os.replace(self.tmp, self.path)
        self.done = True

    def __enter__(self) -> Output:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.done:
            try:
                self.writer.close()
            finally:
                self.tmp.unlink(missing_ok=True)


def parquet_writer(path: Path) -> pq.ParquetWriter:
    """The decisions' Parquet writer (a block per `write_table(…, row_group_size=1 << 30)`)."""
    from policyhub.screen.result import SCHEMA

    dictionaries = [f.name for f in SCHEMA if pa.types.is_dictionary(f.type)]
    return pq.ParquetWriter(path, SCHEMA, compression="none", store_schema=False,
                            write_statistics=False, use_dictionary=dictionaries,
                            dictionary_pagesize_limit=1 << 26, store_decimal_as_integer=True,
                            write_batch_size=1 << 20)


class _ParquetWriter:
    def __init__(self, path: Path, as_of: dt.date, options: dict[str, str]):
        # Uncompressed, no statistics, and Parquet dictionary encoding only for the columns
        # that are dictionaries already (their indices are written as they are): the
        # cheapest layout to write; money, event_index and ceiling are written plain.
        # Decimals (precision 18) as INT64, which the Parquet format allows up to precision
        # 18: no conversion to big-endian fixed-length bytes. Values are encoded a million at
        # a time rather than 1,024 (the default): 7% less time writing, pages of a few MB.
        # Measured (2026-12-07, the million's 17 blocks, one thread): these settings write
        # in 0.44 s; Snappy 0.51 s, LZ4 0.51 s, zstd level 1 0.61 s (a file of 31-33 MB or
        # 18 MB instead of 71 MB), 8 MB pages 0.44 s, version 1 pages 0.46 s, applicant_id
        # without a dictionary 0.48 s, no dictionaries 0.92 s. The benchmark's floor writes
        # with this same writer (bench/bench_screen.py).
        self.out = parquet_writer(path)

    def write(self, result: ScreenResult) -> None:
        self.out.write_table(result.table, row_group_size=1 << 30)

    def close(self) -> None:
        self.out.close()


class _CsvWriter:
    def __init__(self, path: Path, as_of: dt.date, options: dict[str, str]):
        import pyarrow.csv as pacsv  # only CSV output needs it

        self.out = pacsv.CSVWriter(path, _plain_schema())

    def write(self, result: ScreenResult) -> None:
        self.out.write_table(formula_safe(result.table.cast(_plain_schema())))

    def close(self) -> None:
        self.out.close()


def formula_safe(table: pa.Table) -> pa.Table:
    """Text cells a spreadsheet would run as a formula (web.formulas: `=`, `+`, `-`, `@`, tab,
    CR first) get an apostrophe in front, as in every other .csv the project writes: applicant
    ids and matters come from the input file as they were typed."""
    import pyarrow.compute as pc  # only CSV output needs it

    from policyhub.web.formulas import QUOTE, TRIGGERS

    pattern = "^[" + "".join("\\" + t if t in "-" else t for t in TRIGGERS) + "]"
    for i, field in enumerate(table.schema):
        if not pa.types.is_string(field.type):
            continue
        column = table.column(i)
        runs = pc.match_substring_regex(column, pattern)
        if pc.any(runs).as_py():
            quoted = pc.binary_join_element_wise(QUOTE, column, "")
            table = table.set_column(i, field, pc.if_else(runs, quoted, column))
    return table


def _plain_schema() -> pa.Schema:
    from policyhub.screen.result import SCHEMA

    return pa.schema([pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type)
                      else f for f in SCHEMA])


class _JsonlWriter:
    """One line per applicant, shaped like the evaluate/1 decision without explanations."""

    def __init__(self, path: Path, as_of: dt.date, options: dict[str, str]):
        self.fh = path.open("w", encoding="utf-8")
        self.head = {"contract": CONTRACT, "as_of": as_of.isoformat(), "options": options}

    def write(self, result: ScreenResult) -> None:
        for decision in decisions(result, self.head):
            self.fh.write(json.dumps(decision, ensure_ascii=False))
            self.fh.write("\n")

    def close(self) -> None:
        self.fh.close()


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def decisions(result: ScreenResult, head: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Per applicant, in input order (the order of the `total` rows): {contract, as_of,
    applicant, options, awards, discretionary, ineligible, total}. The table holds its rows
    kind by kind, so an applicant's entries are gathered first."""
    made: dict[Any, dict[str, Any]] = {}

    def decision(applicant: Any) -> dict[str, Any]:
        current = made.get(applicant)
        if current is None:
            current = made[applicant] = {
                "contract": head["contract"], "as_of": head["as_of"],
                "applicant": {"id": applicant}, "options": head["options"],
                "awards": [], "discretionary": [], "ineligible": []}
        return current

    for row in result.table.to_pylist():
        current = decision(row["applicant_id"])
        entry = row["entry"]
        if entry == "award":
            award = {"rule": row["rule"], "clause": row["clause"], "matter": row["matter"],
                     "amount": _money(row["amount"]), "ceiling": row["ceiling"],
                     "status": row["status"], "event_index": row["event_index"]}
            if row["excluded_by"] is not None:
                award["excluded_by"] = row["excluded_by"]
            current["awards"].append(award)
        elif entry == "discretionary":
            current["discretionary"].append({
                "rule": row["rule"], "clause": row["clause"], "matter": row["matter"],
                "cap": _money(row["cap"]), "event_index": row["event_index"]})
        elif entry == "ineligible":
            current["ineligible"].append({"event_index": row["event_index"],
                                          "rule": row["rule"],
                                          "reason_code": row["reason_code"]})
        else:  # the total rows come last, one per applicant in input order
            current["total"] = _money(row["amount"])
            yield made.pop(row["applicant_id"])
