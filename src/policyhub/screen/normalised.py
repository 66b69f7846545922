"""The normalised screening input: a directory of Parquet files, one table per noun
(docs/screening.md, "Input: the normalised registry").

- `applicants.parquet`: one row per applicant, in export order, with the applicant columns
  (`applicant_id`, `name`, `kind`, `credit_code` and the three scope flags).
- `<event type>.parquet` for each event type that occurs (`annual_revenue.parquet`, …): one
  row per event (per fee for `platform_service_fees`), with `applicant_id`, `event_index`,
  `matter` and that type's own columns only, its rows in the applicants' order.

The wide events table repeats the applicant's columns on every row and gives every row a
cell of every type's columns, mostly null: 32 columns where a type has 2 to 6. Read here,
each table is read with only its own columns (projection) and a batch of applicants is a
slice of each table (the files' row groups follow the batches, so a slice reads one row
group); the batch is then put together as the wide table's rows for the encoder, so both
inputs are decided by the same code (and give the same bytes: tests/screen/
test_normalised.py).

This module imports only NumPy, Polars and pyarrow (it is read before the engine loads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow.parquet as pq

from policyhub.screen.io import InputFileError, parquet_metadata

APPLICANTS = "applicants"
SUFFIX = ".parquet"
# Kept equal to schema.py's (a test): this module must not import the engine.
APPLICANT_COLUMNS = ("applicant_id", "name", "kind", "credit_code", "registered_in_changsha",
                     "taxed_in_changsha", "cybersecurity_business")
KEY_COLUMNS = ("applicant_id", "event_index", "matter")
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "annual_revenue": ("year", "amount"),
    "leading_firm_investment": ("date", "paid_in_capital", "completed_investment",
                                "schedule_met"),
    "talent_recognition": ("date", "level", "housing_price_per_m2"),
    "urgent_talent": ("date", "category"),
    "civil_military_researcher": ("date", "category"),
    "civil_military_team_project": ("date",),
    "standard_led": ("date", "level", "revision"),
    "project_investment": ("date", "total_investment", "actual_investment", "project_kind"),
    "ipo_stage": ("date", "stage"),
    "platform_construction": ("date", "construction_cost", "major_public_platform"),
    "platform_service_fees": ("operation_start", "major_public_platform", "fee_date",
                              "fee_amount"),
    "pk_demo_project": ("date", "rd_investment", "selected"),
    "competition_prize": ("date", "rank", "settles_in_changsha"),
    "discretionary": ("date", "rule"),
}
ROW_GROUP = 1 << 16  # applicants per row group, as io.BATCH_APPLICANTS


class NormalisedInputError(InputFileError):
    """The directory is not a normalised input (one line, naming the file)."""


def _schedule(applicants: int) -> Iterator[int]:
    first = max(applicants // 4, 1)
    yield first
    yield max(applicants - first, 1)
    while True:
        yield applicants


def tables(path: Path) -> dict[str, Path]:
    """The directory's tables by name: `applicants` and event types; anything else refused."""
    found: dict[str, Path] = {}
    for item in sorted(path.iterdir()):
        if item.name.startswith("."):
            continue
        name = item.name.removesuffix(SUFFIX)
        if item.suffix != SUFFIX or (name != APPLICANTS and name not in EVENT_FIELDS):
            raise NormalisedInputError(
                f"{item}: not a table of a normalised input (expected {APPLICANTS}{SUFFIX} "
                f"and one <event type>{SUFFIX} per event type)")
        found[name] = item
    if APPLICANTS not in found:
        raise NormalisedInputError(f"{path}: no {APPLICANTS}{SUFFIX} (a normalised input "
                                   "is a directory of Parquet tables)")
    return found


def _columns(path: Path, wanted: tuple[str, ...], required: tuple[str, ...]) -> list[str]:
    """The columns of `wanted` the file has; its metadata checked first (io.parquet_metadata:
    sizes within the limit), and InputFileError when a required column is missing."""
    parquet_metadata(path)
    try:
        names = pq.ParquetFile(path).schema_arrow.names
    except (OSError, ValueError) as exc:  # (pyarrow's errors are both)
        raise NormalisedInputError(f"{path}: cannot read as Parquet: {exc}") from None
    missing = [c for c in required if c not in names]
    if missing:
        raise NormalisedInputError(f"{path}: required column {missing[0]!r} is missing")
    return [c for c in wanted if c in names]


def _positions(ids: pl.DataFrame, path: Path) -> npt.NDArray[np.int64]:
    """Each event row's applicant (its row in the applicants table), checked: every row's
    applicant is in the applicants table, and the rows follow the applicants' order."""
    found = pl.read_parquet(path, columns=["applicant_id"])
    if found.schema["applicant_id"] != ids.schema["applicant_id"]:
        found = found.with_columns(pl.col("applicant_id").cast(ids.schema["applicant_id"],
                                                               strict=False))
    pos = found.join(ids, on="applicant_id", how="left", maintain_order="left") \
        .get_column("_pos").to_numpy()
    if np.isnan(pos).any() if pos.dtype.kind == "f" else False:
        row = int(np.flatnonzero(np.isnan(pos))[0])
        raise NormalisedInputError(
            f"{path}: row {row + 1}, applicant_id {found.item(row, 0)!r} is not in "
            f"{APPLICANTS}{SUFFIX}")
    out = pos.astype(np.int64)
    if len(out) > 1 and (back := np.flatnonzero(out[1:] < out[:-1])).size:
        row = int(back[0]) + 1
        raise NormalisedInputError(
            f"{path}: row {row + 1}, applicant_id {found.item(row, 0)!r}: rows must follow "
            f"the order of {APPLICANTS}{SUFFIX}")
    return out


Peek = Callable[[], "pl.Series | None"]


def wide_blocks(path: Path, applicants: int = ROW_GROUP
                ) -> Iterator[tuple[pl.DataFrame, Peek | None]]:
    """The input as blocks of the wide events table, a quarter of `applicants`, then the
    other three quarters, then `applicants` at a time (io.frames' batches, so it passes them on
    as they come): each event table's rows of those applicants, the applicant columns
    gathered onto them, sorted by (applicant, event_index) as a registry export is; an
    applicant without events gets one row that only declares it."""
    found = tables(path)
    app_cols = _columns(found[APPLICANTS], APPLICANT_COLUMNS, ("applicant_id",))
    ids = pl.read_parquet(found[APPLICANTS], columns=["applicant_id"]) \
        .with_row_index("_pos").with_columns(pl.col("_pos").cast(pl.Int64))
    if ids.get_column("applicant_id").is_duplicated().any():
        dup = ids.filter(pl.col("applicant_id").is_duplicated()).item(0, "applicant_id")
        raise NormalisedInputError(f"{found[APPLICANTS]}: applicant_id {dup!r} is listed "
                                   "more than once")
    n = ids.height
    events = {t: p for t, p in found.items() if t != APPLICANTS}
    cols = {t: _columns(p, (*KEY_COLUMNS, *EVENT_FIELDS[t]), ("applicant_id", "event_index"))
            for t, p in events.items()}
    pos = {t: _positions(ids, p) for t, p in events.items()}
    del ids

    def peek() -> pl.Series | None:  # (a block always ends with a whole applicant)
        return None

    sizes = _schedule(applicants)
    start = 0
    while start < n or (start == 0 and n == 0):
        end = min(n, start + next(sizes))
        heads = pl.scan_parquet(found[APPLICANTS]).select(app_cols) \
            .slice(start, end - start).collect()
        parts = []
        for t, p in events.items():
            lo, hi = np.searchsorted(pos[t], [start, end])
            if hi > lo:
                part = pl.scan_parquet(p).select(cols[t]).slice(int(lo), int(hi - lo)).collect()
                parts.append(part.with_columns(
                    pl.Series("_pos", pos[t][lo:hi] - start, pl.Int64),
                    pl.lit(t, pl.String).alias("type")))
        yield _wide(heads, parts), peek
        if end >= n:
            return
        start = end


def _wide(applicants: pl.DataFrame, parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The wide rows of one block: events sorted by (applicant, event_index), fees in
    their table's order, and the applicant columns gathered onto each row."""
    ev = pl.concat(parts, how="diagonal_relaxed") if parts else \
        pl.DataFrame({"_pos": pl.Series([], dtype=pl.Int64)})
    present = np.zeros(applicants.height, np.bool_)
    present[ev.get_column("_pos").to_numpy()] = True
    if not present.all():  # applicants without events: one declaring row each
        bare = pl.DataFrame({"_pos": pl.Series(np.flatnonzero(~present), dtype=pl.Int64)})
        ev = pl.concat([ev, bare], how="diagonal_relaxed")
    if "event_index" in ev.columns:
        ev = ev.sort(["_pos", "event_index"], maintain_order=True, nulls_last=False)
    else:
        ev = ev.sort("_pos", maintain_order=True)
    at = ev.get_column("_pos")
    heads = applicants.select(pl.all().gather(at))
    return pl.concat([heads, ev.drop("_pos")], how="horizontal")


# --- writing --------------------------------------------------------------------------------


def split(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """A wide events table (whole applicants, in order) as the normalised tables."""
    app = [c for c in APPLICANT_COLUMNS if c in frame.columns]
    first = frame.select(pl.col("applicant_id").ne_missing(pl.col("applicant_id").shift(1))
                         .fill_null(True)).to_series()
    out = {APPLICANTS: frame.filter(first).select(app)}
    if "type" not in frame.columns:
        return out
    types = frame.get_column("type").cast(pl.String)
    for t, fields in EVENT_FIELDS.items():
        rows = frame.filter(types == t)
        if rows.height:
            out[t] = rows.select([c for c in (*KEY_COLUMNS, *fields) if c in frame.columns])
    return out


class Writer:
    """Writes the normalised tables block by block, one Parquet row group per block (so a
    batch of the reader is a row group of each table), uncompressed: the layout read
    fastest (docs/screening.md)."""

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.writers: dict[str, pq.ParquetWriter] = {}

    def write(self, frame: pl.DataFrame) -> None:
        for name, table in split(frame).items():
            arrow = table.to_arrow()
            if name not in self.writers:
                self.writers[name] = pq.ParquetWriter(
                    self.path / f"{name}{SUFFIX}", arrow.schema, compression="none",
                    store_schema=False, store_decimal_as_integer=True)
            self.writers[name].write_table(arrow, row_group_size=1 << 30)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def write(path: Path, frame: pl.DataFrame) -> None:
    """`frame` (a wide events table) as a normalised input in directory `path`."""
    writer = Writer(path)
    try:
        writer.write(frame)
    finally:
        writer.close()
