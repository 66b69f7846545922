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

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow.parquet as pq

from policyhub.screen.io import InputFileError, parquet_metadata
from policyhub.screen.views import changes

HASH_SEED = 0x5EED  # any fixed seed: the hashes only find candidates, the ids confirm them

APPLICANTS = "applicants"
SUFFIX = ".parquet"
# Kept equal to schema.py's (a test): this module must not import the engine.
APPLICANT_COLUMNS = ("applicant_id", "name", "kind", "credit_code", "registered_in_changsha",
                     "taxed_in_changsha", "cybersecurity_business")
KEY_COLUMNS = ("applicant_id", "event_index", "matter")
# Each event row's applicant as its row in applicants.parquet (0-based), written by
# Writer: with it a batch's rows are found by bisection, without looking up any id.
ORDINAL = "applicant_row"
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


@dataclass
class Tables:
    """A batch of a normalised input: the applicants' rows, and the event rows of every
    type one table after another with each row's applicant (its row in `applicants`), as
    encode.encode takes them — no wide table, and no permutation of one."""

    applicants: pl.DataFrame
    events: pl.DataFrame
    app: npt.NDArray[np.int64]

    @property
    def height(self) -> int:
        return self.events.height


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


def _ids(path: Path, dtype: pl.DataType) -> pl.Series:
    """A table's applicant_id column (projection: that column only), as the applicants'."""
    found = pl.read_parquet(path, columns=["applicant_id"]).get_column("applicant_id")
    return found if found.dtype == dtype else found.cast(dtype, strict=False)


def _ordinals(path: Path, applicants: int) -> npt.NDArray[np.int64]:
    """A table's ORDINAL column, checked: whole numbers in 0..applicants-1, never
    decreasing (each applicant's rows together, applicants in their table's order)."""
    found = pl.read_parquet(path, columns=[ORDINAL]).get_column(ORDINAL)
    bad = None
    if not found.dtype.is_integer():
        bad = 0
    elif found.null_count():
        bad = int(found.is_null().arg_true()[0])
    if bad is not None:
        raise NormalisedInputError(f"{path}: row {bad + 1}, {ORDINAL} must be a whole number "
                                   f"(the applicant's row in {APPLICANTS}{SUFFIX}, from 0)")
    values = np.ascontiguousarray(found.to_numpy(), np.int64)
    wrong = np.flatnonzero((values < 0) | (values >= applicants))
    back = np.flatnonzero(values[1:] < values[:-1]) + 1
    if len(wrong) or len(back):
        row = int(min(wrong[:1].tolist() + back[:1].tolist()))
        raise NormalisedInputError(
            f"{path}: row {row + 1}, {ORDINAL} {int(values[row])} is not a row of "
            f"{APPLICANTS}{SUFFIX} ({applicants} rows, from 0), or not in the order of "
            f"{APPLICANTS}{SUFFIX} (each applicant's rows together, applicants in that order)")
    return values


class _Cursor:
    """One event table read batch by batch: where the next batch's rows start, and which
    of its rows belong to a batch of applicants."""

    def __init__(self, path: Path, ids: pl.Series | None,
                 ordinals: npt.NDArray[np.int64] | None = None):
        """`ids`: the table's applicant ids, unless `ordinals` (each row's applicant row,
        ORDINAL) is given: then the ids come with each batch's rows (check)."""
        assert ids is not None or ordinals is not None
        self.path, self.ids, self.ordinals, self.at = path, ids, ordinals, 0

    def _bad(self, row: int, value: object) -> NormalisedInputError:
        return NormalisedInputError(
            f"{self.path}: row {row + 1}, applicant_id {value!r} is not in "
            f"{APPLICANTS}{SUFFIX}, or not in the order of {APPLICANTS}{SUFFIX} (each "
            "applicant's rows together, applicants in that order)")

    def take(self, batch: _Batch) -> tuple[int, int, npt.NDArray[np.int64]]:
        """(first row, rows, each row's applicant in the batch) of the batch's rows."""
        if self.ordinals is not None:
            return self._by_ordinal(batch)
        return self._by_id(batch)

    def _by_ordinal(self, batch: _Batch) -> tuple[int, int, npt.NDArray[np.int64]]:
        """With each row's applicant row written (ORDINAL, checked in order on reading),
        the batch's rows are found by one bisection and their applicants by a subtraction;
        the ids are still compared, row by row, so an ordinal and an id that disagree are
        refused rather than trusted."""
        assert self.ordinals is not None
        first = self.at
        end = int(np.searchsorted(self.ordinals, batch.end, side="left"))
        self.at = end
        app: npt.NDArray[np.int64] = self.ordinals[first:end] - batch.start
        return first, end - first, app

    def check(self, found: pl.Series, first: int, batch: _Batch, app: npt.NDArray[np.int64],
              dtype: pl.DataType) -> None:
        """The applicant ids of the rows from `first` (as read with them), compared row by
        row with those of their ORDINAL: an ordinal and an id that disagree are refused
        rather than trusted."""
        ids = found if found.dtype == dtype else found.cast(dtype, strict=False)
        differs = ids.ne_missing(batch.ids.gather(app))
        if differs.any():
            row = int(differs.arg_true()[0])
            raise self._bad(first + row, ids[row])

    def _by_id(self, batch: _Batch) -> tuple[int, int, npt.NDArray[np.int64]]:
        """Without ORDINAL (a table made by hand): the rows from here whose applicant is in
        the batch. Under the rows' order that is a run of rows, found by bisection on
        membership (twenty-odd look-ups a batch); each applicant's rows are then looked up
        once by 64-bit hash among the batch's and confirmed on the ids (a table's rows are
        looked up batch by batch, in the reading thread, not all before the first batch)."""
        assert self.ids is not None
        lo, hi = self.at, len(self.ids)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.ids[mid] in batch.members:
                lo = mid + 1
            else:
                hi = mid
        first, count = self.at, lo - self.at
        self.at = lo
        if count == 0:
            return first, 0, np.zeros(0, np.int64)
        rows = self.ids.slice(first, count)
        start = changes(rows)
        start[0] = True
        heads = np.flatnonzero(start)
        runs = rows.gather(heads)
        hashes = runs.hash(seed=HASH_SEED).to_numpy()
        at = np.minimum(np.searchsorted(batch.sorted, hashes), len(batch.sorted) - 1)
        pos = batch.order[at]
        known = batch.sorted[at] == hashes
        if known.all():
            known = ~batch.ids.gather(pos).ne_missing(runs).to_numpy()
        back = np.zeros(len(pos), np.bool_)
        back[1:] = pos[1:] <= pos[:-1]
        if not known.all() or back.any():
            run = int(np.flatnonzero(~known | back)[0])
            raise self._bad(first + int(heads[run]), runs[run])
        app: npt.NDArray[np.int64] = np.repeat(pos, np.diff(heads, append=count))
        return first, count, app

    def finish(self) -> None:
        # (with ORDINAL every row is taken: each one's applicant row is below the count)
        if self.ids is not None and self.at < len(self.ids):
            raise self._bad(self.at, self.ids[self.at])


@dataclass
class _Batch:
    """A batch's applicant ids (rows start..end-1 of applicants); as a set (membership)
    and their hashes sorted, built only when a table without ORDINAL asks."""

    ids: pl.Series
    start: int
    end: int

    @cached_property
    def members(self) -> set[object]:
        return set(self.ids.to_list())

    @cached_property
    def _hashed(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        hashes = self.ids.hash(seed=HASH_SEED).to_numpy()
        order = np.argsort(hashes).astype(np.int64)
        return hashes[order], order

    @property
    def sorted(self) -> npt.NDArray[np.uint64]:
        return self._hashed[0]

    @property
    def order(self) -> npt.NDArray[np.int64]:
        return self._hashed[1]


def batches(path: Path, applicants: int = ROW_GROUP) -> Iterator[tuple[int, Tables]]:
    """(first event row, batch): a quarter of `applicants`, then the other three quarters,
    then `applicants` at a time (io.frames' schedule): the applicants' rows, and each event
    table's rows of those applicants, one table after another."""
    found = tables(path)
    app_cols = _columns(found[APPLICANTS], APPLICANT_COLUMNS, ("applicant_id",))
    n = parquet_metadata(found[APPLICANTS]).num_rows
    dtype = pl.read_parquet_schema(found[APPLICANTS])["applicant_id"]
    events = {t: p for t, p in found.items() if t != APPLICANTS}
    # (a batch's rows take the applicants' own applicant_id: the tables' is read once, by
    # the cursors)
    cols = {t: [c for c in _columns(p, (*KEY_COLUMNS, *EVENT_FIELDS[t]),
                                    ("applicant_id", "event_index")) if c != "applicant_id"]
            for t, p in events.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:  # (Polars releases the GIL)
        ordinals = {t: pool.submit(_ordinals, p, n) for t, p in events.items()
                    if ORDINAL in pq.read_schema(p).names}
        # A table with ORDINAL has its applicant ids read batch by batch, with the batch's
        # rows (reading every table's ids first took 0.3 s before the first batch, with
        # one core idle); the others' are read whole first, to bisect on.
        ids = {t: pool.submit(_ids, p, dtype) for t, p in events.items() if t not in ordinals}
        cursors = {t: _Cursor(p, ids[t].result() if t in ids else None,
                              ordinals[t].result() if t in ordinals else None)
                   for t, p in events.items()}

    from policyhub.engine.request import EVENT_TYPES  # (the engine: not at the CLI's start)

    # Each row's type as the Enum the encoder codes types with: no text to look up.
    type_ = pl.Enum(list(EVENT_TYPES))
    # One query per table, sliced batch by batch: a new scan_parquet for every batch cost a
    # third more CPU time than the reading itself needs (measured: 0.25 s against 0.20 s
    # for the million's tables, row group by row group).
    head_scan = pl.scan_parquet(found[APPLICANTS]).select(app_cols)
    scans = {t: pl.scan_parquet(events[t]).select(
        cols[t] if cursor.ids is not None else [*cols[t], "applicant_id"])
        for t, cursor in cursors.items()}
    sizes = _schedule(applicants)
    start = row = 0
    while start < n or (start == 0 and n == 0):
        end = min(n, start + next(sizes))
        heads = head_scan.slice(start, end - start).collect()
        batch = _Batch(heads.get_column("applicant_id"), start, end)
        parts, apps = [], []
        for t, cursor in cursors.items():
            first, count, app = cursor.take(batch)
            if count:
                part = scans[t].slice(first, count).collect()
                if cursor.ids is None:  # (drop_in_place: no query plan, unlike drop)
                    cursor.check(part.drop_in_place("applicant_id"), first, batch, app, dtype)
                parts.append(part.with_columns(pl.lit(t, type_).alias("type")))
                apps.append(app)
        del batch
        ev = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame(
            {"type": pl.Series([], dtype=pl.String),
             "event_index": pl.Series([], dtype=pl.Int64)})
        del parts
        tables_ = Tables(heads, ev, np.concatenate(apps) if apps else np.zeros(0, np.int64))
        del heads, ev, apps
        row += tables_.height
        yield row - tables_.height, tables_
        del tables_
        if end >= n:
            break
        start = end
    for cursor in cursors.values():
        cursor.finish()


def wide(batch: Tables) -> pl.DataFrame:
    """A batch as the rows of the wide events table (for comparing the two inputs): events
    sorted by (applicant, event_index), fees in their table's order, the applicant columns
    gathered onto each row, and one row declaring each applicant without events."""
    applicants = batch.applicants
    ev = batch.events.with_columns(pl.Series("_pos", batch.app, pl.Int64))
    present = np.zeros(applicants.height, np.bool_)
    present[ev.get_column("_pos").to_numpy()] = True
    if not present.all():  # applicants without events: one declaring row each
        bare = pl.DataFrame({"_pos": pl.Series(np.flatnonzero(~present), dtype=pl.Int64)})
        ev = pl.concat([ev, bare], how="diagonal_relaxed")
    ev = ev.gather(_order(ev))
    at = ev.get_column("_pos")
    heads = applicants.select(pl.all().gather(at))
    return pl.concat([heads, ev.drop("_pos", "applicant_id", strict=False)], how="horizontal")


def _order(ev: pl.DataFrame) -> npt.NDArray[np.int64]:
    """The rows in (applicant, event_index) order, stable (a fee event's rows keep theirs).
    Each table's rows come in that order already, so one int64 key per row and NumPy's
    stable sort (timsort: merging the tables' sorted runs, about 10 ms a batch) replace a
    two-column Polars sort (0.21 s a batch). Indices that are not small integers (bad input,
    which the encoder words) take Polars' sort."""
    app = ev.get_column("_pos").to_numpy()
    index = ev.get_column("event_index") if "event_index" in ev.columns else None
    if index is not None and index.dtype.is_integer() and index.null_count() == 0:
        ev_index = index.to_numpy().astype(np.int64)
        if len(ev_index) == 0 or (ev_index.min() >= 0 and ev_index.max() < 1 << 30):
            out: npt.NDArray[np.int64] = np.argsort((app << 30) | ev_index, kind="stable")
            return out
    by = ["_pos", "event_index"] if index is not None else ["_pos"]
    keyed = ev.select(by).with_row_index("_row")
    if index is not None and not index.dtype.is_integer():
        keyed = keyed.with_columns(pl.col("event_index").cast(pl.Int64, strict=False))
    return keyed.sort(by, maintain_order=True, nulls_last=False) \
        .get_column("_row").cast(pl.Int64).to_numpy()


# --- writing --------------------------------------------------------------------------------


def split(frame: pl.DataFrame, first_applicant: int = 0) -> dict[str, pl.DataFrame]:
    """A wide events table (whole applicants, in order) as the normalised tables; each
    event row carries its applicant's row in `applicants` (ORDINAL), counting from
    `first_applicant`."""
    app = [c for c in APPLICANT_COLUMNS if c in frame.columns]
    first = frame.select(pl.col("applicant_id").ne_missing(pl.col("applicant_id").shift(1))
                         .fill_null(True)).to_series()
    out = {APPLICANTS: frame.filter(first).select(app)}
    if "type" not in frame.columns:
        return out
    ordinal = (first.cast(pl.Int64).cum_sum() + (first_applicant - 1)).rename(ORDINAL)
    frame = frame.with_columns(ordinal)
    types = frame.get_column("type").cast(pl.String)
    for t, fields in EVENT_FIELDS.items():
        rows = frame.filter(types == t)
        if rows.height:
            out[t] = rows.select([c for c in (*KEY_COLUMNS, ORDINAL, *fields)
                                  if c in frame.columns])
    return out


class Writer:
    """Writes the normalised tables block by block, one Parquet row group per block (so a
    batch of the reader is a row group of each table), uncompressed: the layout read
    fastest (docs/screening.md)."""

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.applicants = 0

    def write(self, frame: pl.DataFrame) -> None:
        parts = split(frame, self.applicants)
        self.applicants += parts[APPLICANTS].height
        for name, table in parts.items():
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
