"""Reading a registry export in batches of whole applicants, and writing the decisions.

Input: Parquet (read one row group at a time) or CSV (read as text, in blocks). A batch ends
where an applicant ends: the rows of the last applicant of a block are carried over to the
next block, so every batch holds whole applicants and `screen_frame` can decide it alone.

Output, by suffix: `.parquet` and `.csv` get the long table (result.SCHEMA), `.jsonl` one
decision per applicant. Everything is written to a temporary file beside the target and
renamed into place only when the whole input was decided: bad input leaves nothing behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from policyhub.screen.result import SCHEMA, ScreenResult

CSV_BLOCK = 64 << 20  # bytes of CSV text per block
FORMATS = (".parquet", ".csv", ".jsonl")
CONTRACT = "policyhub.screen/1"


class InputFileError(ValueError):
    """The input cannot be read at all (missing, unknown format, not CSV/Parquet)."""


def input_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise InputFileError(f"{path}: unknown input format {suffix!r}: use .parquet or .csv")


def batches(path: Path) -> Iterator[tuple[int, pl.DataFrame]]:
    """(first row, frame) for consecutive runs of whole applicants, in file order.

    A block (a Parquet row group, a CSV block) is passed on whole when the next block starts
    with another applicant — a file written in row groups of whole applicants is read
    without a copy. Otherwise the applicant that continues is cut off and joined to the
    first rows of the next block in a small frame of its own."""
    blocks = _parquet_blocks(path) if input_format(path) == "parquet" else _csv_blocks(path)
    held: pl.DataFrame | None = None  # whole applicants, the last of which may go on
    row = 0
    for block in blocks:
        if block.height == 0:
            continue
        if held is None:
            held = block
            continue
        head = _continuing(held, block)
        if head == 0:
            yield row, held
            row += held.height
            held = block
            continue
        cut = _last_applicant_start(held)
        if cut:
            yield row, held.slice(0, cut)
            row += cut
        tail = held.slice(cut)
        if head == block.height:  # the applicant goes on past this block
            held = pl.concat([tail, block], how="diagonal_relaxed")
            continue
        joined = pl.concat([tail, block.slice(0, head)], how="diagonal_relaxed")
        yield row, joined
        row += joined.height
        held = block.slice(head)
    if held is not None and held.height:
        yield row, held


def size_hint(path: Path) -> tuple[int, str]:
    """How much there is to read, for the progress bar: (rows, "rows") or (bytes, "B")."""
    if input_format(path) == "parquet":
        return pq.ParquetFile(path).metadata.num_rows, "rows"
    return path.stat().st_size, "B"


def _continuing(held: pl.DataFrame, block: pl.DataFrame) -> int:
    """How many first rows of `block` belong to the last applicant of `held`."""
    if "applicant_id" not in block.columns or "applicant_id" not in held.columns:
        return 0
    ids = block.get_column("applicant_id")
    if ids.dtype != held.get_column("applicant_id").dtype:
        return 0
    last = held.get_column("applicant_id")[-1]
    same = (ids.is_null() if last is None else ids.eq_missing(last)).to_numpy()
    other = np.flatnonzero(~same)
    return int(other[0]) if len(other) else block.height


def _last_applicant_start(frame: pl.DataFrame) -> int:
    """Where the frame's last applicant starts (its rows may continue in the next block)."""
    if "applicant_id" not in frame.columns:
        return frame.height
    ids = frame.get_column("applicant_id")
    last = ids[-1]
    other = ids.is_not_null() if last is None else ids.ne_missing(last)
    where = np.flatnonzero(other.to_numpy())
    return int(where[-1]) + 1 if len(where) else 0


def _parquet_blocks(path: Path) -> Iterator[pl.DataFrame]:
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputFileError(f"{path}: cannot read as Parquet: {exc}") from None
    offset = 0
    for i in range(meta.num_row_groups):
        rows = meta.row_group(i).num_rows
        yield pl.scan_parquet(path).slice(offset, rows).collect()
        offset += rows


def _csv_blocks(path: Path) -> Iterator[pl.DataFrame]:
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
            yield frame
    except pa.ArrowInvalid as exc:
        raise InputFileError(f"{path}: malformed CSV: {exc}") from None


# --- writers --------------------------------------------------------------------------------


class Writer(Protocol):
    def write(self, result: ScreenResult) -> None: ...

    def close(self) -> None: ...


class Output:
    """A writer into a temporary file, renamed onto `path` by `commit()`, removed otherwise."""

    def __init__(self, path: Path, *, as_of: dt.date, options: dict[str, str]):
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise InputFileError(f"{path}: unknown output format {suffix!r}: use "
                                 + ", ".join(FORMATS))
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


class _ParquetWriter:
    def __init__(self, path: Path, as_of: dt.date, options: dict[str, str]):
        # Uncompressed, no statistics, and Parquet dictionary encoding only for the columns
        # that are dictionaries already (their indices are written as they are): the
        # cheapest layout to write; money, event_index and ceiling are written plain.
        dictionaries = [f.name for f in SCHEMA if pa.types.is_dictionary(f.type)]
        self.out = pq.ParquetWriter(path, SCHEMA, compression="none", store_schema=False,
                                    write_statistics=False, use_dictionary=dictionaries,
                                    dictionary_pagesize_limit=1 << 26)

    def write(self, result: ScreenResult) -> None:
        self.out.write_table(result.table, row_group_size=1 << 30)

    def close(self) -> None:
        self.out.close()


class _CsvWriter:
    def __init__(self, path: Path, as_of: dt.date, options: dict[str, str]):
        import pyarrow.csv as pacsv  # only CSV output needs it

        self.out = pacsv.CSVWriter(path, _plain_schema())

    def write(self, result: ScreenResult) -> None:
        self.out.write_table(result.table.cast(_plain_schema()))

    def close(self) -> None:
        self.out.close()


def _plain_schema() -> pa.Schema:
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
    """Per applicant, in table order: {contract, as_of, applicant, options, awards,
    discretionary, ineligible, total}."""
    current: dict[str, Any] | None = None
    for row in result.table.to_pylist():
        if current is None:
            current = {"contract": head["contract"], "as_of": head["as_of"],
                       "applicant": {"id": row["applicant_id"]}, "options": head["options"],
                       "awards": [], "discretionary": [], "ineligible": []}
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
        else:
            current["total"] = _money(row["amount"])
            yield current
            current = None
