"""policyhub.screen.parquet_in: the sparse typed columns of a Parquet input, read in C, are
the columns Polars reads — cell for cell, type for type — on random columns written in every
layout pyarrow writes (PLAIN and dictionary pages, several pages, row groups, all null, none
null); other layouts are left to Polars; batches cut from sparse frames are the batches cut
from Polars' frames; and the encoder reads a sparse column as it reads the same column whole,
problems of bad input included."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.screen import accel, io, parquet_in, synth
from policyhub.screen.encode import encode
from policyhub.screen.parquet_in import (
    RUN_COLUMNS,
    SPARSE_COLUMNS,
    Frame,
    Runs,
    Sparse,
    SparseReader,
)
from policyhub.screen.problems import ScreenInputError
from policyhub.screen.schema import EVENT_COLUMNS, Kind

pytestmark = pytest.mark.skipif(not accel.BUILT, reason="test_accel fails for this")

TYPES = {
    "date": pa.date32(), "paid_in_capital": pa.decimal128(15, 2),
    "completed_investment": pa.decimal128(9, 2), "schedule_met": pa.bool_(),
    "rank": pa.int32(), "fee_amount": pa.int64(), "fee_date": pa.date32(),
    "rd_investment": pa.decimal128(18, 3), "level": pa.string(), "rule": pa.string(),
}
TEXT = ["level", "rule"]
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _value(t: pa.DataType, draw: st.DrawFn) -> object:
    if pa.types.is_string(t):
        return draw(st.sampled_from(["", "national", "国际标准", "x" * 40]) | st.text())
    if pa.types.is_boolean(t):
        return draw(st.booleans())
    if pa.types.is_date32(t):
        return dt.date(1970, 1, 1) + dt.timedelta(days=draw(st.integers(-40_000, 40_000)))
    if pa.types.is_decimal(t):
        digits = draw(st.integers(-(10 ** t.precision) + 1, 10 ** t.precision - 1))
        return Decimal(digits).scaleb(-t.scale)
    bits = 31 if t == pa.int32() else 63
    return draw(st.integers(-(2 ** bits), 2 ** bits - 1))


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(1, 3000))
    columns = {}
    for name, t in TYPES.items():
        density = draw(st.sampled_from([0.0, 0.03, 0.5, 1.0]))
        pool = [_value(t, draw) for _ in range(draw(st.integers(1, 40)))]
        rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
        given_ = rng.random(n) < density
        picks = rng.integers(0, len(pool), n)
        cells = [pool[k] if g else None for g, k in zip(given_, picks, strict=True)]
        columns[name] = pa.array(cells, t)
    return pa.table(columns)


def _read_back(path: Path, names: set[str]) -> Iterator[tuple[str, Sparse | Runs, pl.Series]]:
    """Each column read here, row group by row group, with Polars' read of it; the reader
    reads exactly `names`, and every row group."""
    meta = pq.ParquetFile(path).metadata
    reader = SparseReader.of(path, meta)
    assert reader is not None and reader.names == names
    for g in range(meta.num_row_groups):
        found = reader.read(g)
        assert found is not None
        for name, column in found.items():
            yield name, column, _polars(path, g, name)


def _polars(path: Path, group: int, name: str) -> pl.Series:
    meta = pq.ParquetFile(path).metadata
    start = sum(meta.row_group(i).num_rows for i in range(group))
    rows = meta.row_group(group).num_rows
    return pl.scan_parquet(path).select(name).slice(start, rows).collect().get_column(name)


@SETTINGS
@given(table=tables(), dictionary=st.booleans(), page=st.sampled_from([1 << 20, 512]),
       group=st.sampled_from([1 << 20, 700]), as_integers=st.booleans())
def test_sparse_columns_read_as_polars_reads_them(
        tmp_path: Path, table: pa.Table, dictionary: bool, page: int, group: int,
        as_integers: bool) -> None:
    path = tmp_path / "t.parquet"
    # (text is read here only through a dictionary: PLAIN text is the next test's)
    pq.write_table(table, path, compression="none", use_dictionary=dictionary or TEXT,
                   data_page_size=page, row_group_size=group,
                   store_decimal_as_integer=as_integers)
    for name, sparse, want in _read_back(path, set(TYPES)):
        assert isinstance(sparse, Sparse)
        got = sparse.series()
        assert got.dtype == want.dtype and got.name == name
        assert got.equals(want), name
        assert np.all(np.diff(sparse.rows) > 0)


def test_other_layouts_are_left_to_polars(tmp_path: Path) -> None:
    table = pa.table({"date": pa.array([dt.date(2020, 1, 1), None] * 50, pa.date32()),
                      "rank": pa.array([1, 2] * 50, pa.int8()),  # not a type read here
                      "name": pa.array(["a", "b"] * 50)})  # nor a column
    path = tmp_path / "snappy.parquet"
    pq.write_table(table, path, compression="snappy")
    reader = SparseReader.of(path, pq.ParquetFile(path).metadata)
    assert reader is not None and reader.names == {"date"}
    assert reader.read(0) is None  # compressed: Polars reads the row group
    pq.write_table(table, path, compression="none", data_page_version="2.0")
    reader = SparseReader.of(path, pq.ParquetFile(path).metadata)
    assert reader is not None and reader.read(0) is None  # v2 data pages
    text = pa.table({"level": pa.array(["国际", None] * 50), "date": table["date"]})
    pq.write_table(text, path, compression="none", use_dictionary=False)
    reader = SparseReader.of(path, pq.ParquetFile(path).metadata)
    assert reader is not None and reader.names == {"date", "level"}
    assert reader.read(0) is None  # text in PLAIN pages
    pq.write_table(text, path, compression="none")
    found = SparseReader.of(path, pq.ParquetFile(path).metadata).read(0)  # type: ignore
    assert found is not None and found["level"].series().to_list() == ["国际", None] * 50


def test_a_malformed_chunk_is_refused_not_read(tmp_path: Path) -> None:
    """Bytes of a chunk changed at random: the decoder gives up (None) or reads some cells,
    within its bounds; it never reads or writes outside them."""
    table = pa.table({"fee_amount": pa.array([None, 5, None, 7] * 500, pa.int64())})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, compression="none")
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(0)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = np.frombuffer(path.read_bytes(), np.uint8)[start: start + chunk.total_compressed_size]
    rows = 2000
    out_rows, values = np.empty(rows, np.int64), np.empty(rows, np.int64)
    scratch, spans = np.empty(rows, np.uint32), np.empty(0, np.int64)
    rng = np.random.default_rng(3)
    refused = 0
    for _ in range(400):
        bad = data.copy()
        at = rng.integers(0, len(bad), rng.integers(1, 4))
        bad[at] = rng.integers(0, 256, len(at))
        got = accel.parquet_sparse(bad.ctypes.data, len(bad), 2, 0, 1, rows, out_rows, values,
                                   scratch, spans)
        refused += got is None
        assert got is None or 0 <= got[0] <= rows
    for length in (0, 1, 10, len(data) // 2):
        assert accel.parquet_sparse(data.ctypes.data, length, 2, 0, 1, rows, out_rows, values,
                                    scratch, spans) is None
    assert refused > 0


def test_sparse_columns_are_the_typed_event_fields_given_on_few_rows() -> None:
    typed = {c for c, k in EVENT_COLUMNS.items() if k is not Kind.TEXT}
    text = {c for c, k in EVENT_COLUMNS.items() if k is Kind.TEXT}
    assert set(SPARSE_COLUMNS) == (typed - {"event_index", "year", "amount"}) | \
        (text - {"type", "matter"})


@given(rows=st.lists(st.integers(0, 199), unique=True).map(sorted),
       at=st.lists(st.integers(0, 199), max_size=60), cut=st.integers(0, 200))
def test_sparse_slices_joins_and_lookups_are_those_of_the_whole_column(
        rows: list[int], at: list[int], cut: int) -> None:
    sparse = Sparse("rank", pa.int32(), 200, np.array(rows, np.int64),
                    np.arange(1, len(rows) + 1, dtype=np.int64))
    whole = sparse.series()
    assert whole.to_list() == [rows.index(i) + 1 if i in rows else None for i in range(200)]
    picked = np.array(at, np.int64)
    assert sparse.series(picked).to_list() == [whole[i] for i in at]
    assert sparse.series(sparse.rows).to_list() == list(range(1, len(rows) + 1))
    a, b = sparse.slice(0, cut), sparse.slice(cut, 200 - cut)
    assert a.series().to_list() + b.series().to_list() == whole.to_list()
    assert Sparse.concat([a, b]).series().equals(whole)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sparse") / "registry.parquet"
    frame = synth.frame(300, seed=4)
    ids = frame["applicant_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    table = frame.to_arrow()
    with pq.ParquetWriter(path, table.schema, compression="none") as writer:
        for a, b in zip([0, 100, 777], [100, 777, len(ids)], strict=True):
            writer.write_table(table.slice(a, b - a))  # row groups cut inside applicants
    assert len(starts) == 300
    return path


@pytest.mark.parametrize("applicants", [40, 64, 1000])
def test_sparse_frames_cut_the_batches_polars_frames_do(
        registry: Path, monkeypatch: pytest.MonkeyPatch, applicants: int) -> None:
    monkeypatch.setattr(io, "BATCH_APPLICANTS", applicants)
    dense = list(io.batches(registry))
    sparse = list(io.frames(registry))
    assert [r for r, _ in sparse] == [r for r, _ in dense]
    for (_, frame), (_, want) in zip(sparse, dense, strict=True):
        assert set(frame.sparse) == set(SPARSE_COLUMNS) | set(RUN_COLUMNS)
        assert frame.dense().select(want.columns).equals(want)
        assert encode(frame).events.keys() == encode(want).events.keys()


def test_the_encoder_reads_sparse_columns_as_whole_ones(registry: Path) -> None:
    (_, frame), = list(io.frames(registry, 10_000))
    want = encode(frame.dense())
    got = encode(frame)
    for code, typed in want.events.items():
        for name, values in typed.fields.items():
            assert np.array_equal(got.events[code].fields[name], values), (code, name)
    for name, values in want.fees.events.fields.items():
        assert np.array_equal(got.fees.events.fields[name], values)
    assert np.array_equal(got.fees.fen, want.fees.fen)
    assert np.array_equal(got.fees.day, want.fees.day)
    for name in ("app", "ev", "row", "matter"):
        assert np.array_equal(getattr(got.revenue, name), getattr(want.revenue, name))
    for name, values in want.revenue.fields.items():
        assert np.array_equal(got.revenue.fields[name], values)


def _bad(frame: Frame, name: str, row: int, value: int | str | None) -> Frame:
    """The frame with one cell of a sparse column changed (text: a new dictionary entry)."""
    s = frame.sparse[name]
    assert isinstance(s, Sparse)
    values, given_ = s.at()
    dictionary = s.dictionary
    if isinstance(value, str):
        assert dictionary is not None
        dictionary = pl.concat([dictionary, pl.Series("", [value], pl.String)])
        value = len(dictionary) - 1
    values[row], given_[row] = (0, False) if value is None else (value, True)
    rows = np.flatnonzero(given_).astype(np.int64)
    return Frame(frame.df, {**frame.sparse, name: Sparse(name, s.arrow, s.n, rows,
                                                        values[rows], dictionary)})


@pytest.mark.parametrize(("name", "value"), [("paid_in_capital", -100),
                                             ("paid_in_capital", None),
                                             ("rd_investment", 1),  # 0.01 yuan: fine
                                             ("date", None), ("rank", 7),
                                             ("fee_amount", -5), ("category", None),
                                             ("category", "Z"), ("stage", "listed "),
                                             ("stage", "listed")])
def test_bad_cells_in_sparse_columns_are_the_same_problems(
        registry: Path, name: str, value: int | str | None) -> None:
    (_, frame), = list(io.frames(registry, 10_000))
    column = frame.sparse[name]
    assert isinstance(column, Sparse)
    row = int(column.rows[3])
    bad = _bad(frame, name, row, value)
    outcomes: list[str | None] = []
    for f in (bad, bad.dense()):
        try:
            encode(f)
            outcomes.append(None)
        except ScreenInputError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0] is None) == (name == "rd_investment" or value == "listed")


def test_screening_a_parquet_file_imports_neither_pandas_nor_pyarrow_compute(
        registry: Path, tmp_path: Path) -> None:
    # (pl.from_arrow and pa.array([]) import pandas, 0.3 s; pl.Series of a pyarrow array
    # imports pyarrow.compute: parquet_in goes through the Arrow PyCapsule interface.)
    code = ("import sys; from policyhub.screen.cli import main; "
            f"main([{str(registry)!r}, '-o', {str(tmp_path / 'o.parquet')!r}, '--no-progress']);"
            " print(sorted(m for m in ('pandas', 'pyarrow.compute') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()
    assert out[-1] == "[]"


def test_polars_dtypes_of_the_types_read_here() -> None:
    assert parquet_in.polars_dtype(pa.decimal128(15, 2)) == pl.Decimal(15, 2)
    assert parquet_in.polars_dtype(pa.date32()) == pl.Date
    assert parquet_in.polars_dtype(pa.bool_()) == pl.Boolean


CELLS = st.sampled_from([None, "", "a", "a" * 12, "a" * 13, "b" * 13, "9143010000000000X1", "国际"])


@SETTINGS
@given(cells=st.lists(st.tuples(CELLS, st.integers(1, 30)), min_size=1, max_size=300),
       dictionary=st.booleans(), limit=st.sampled_from([1 << 20, 64]),
       page=st.sampled_from([1 << 20, 100]), group=st.sampled_from([1 << 20, 333]))
def test_applicant_columns_read_as_runs_of_the_cells_polars_reads(
        tmp_path: Path, cells: list[tuple[str | None, int]], dictionary: bool, limit: int,
        page: int, group: int) -> None:
    """Runs of repeated cells, nulls among them, in dictionary pages, PLAIN pages and a
    dictionary that overflows into PLAIN pages (a small dictionary page limit)."""
    values = [c for c, k in cells for _ in range(k)]
    table = pa.table({"applicant_id": pa.array(values, pa.string()),
                      "kind": pa.array(values[::-1], pa.string())})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, compression="none", use_dictionary=dictionary,
                   dictionary_pagesize_limit=limit, data_page_size=page, row_group_size=group)
    for _, runs, want in _read_back(path, {"applicant_id", "kind"}):
        assert isinstance(runs, Runs)
        assert runs.series().equals(want)
        change = np.r_[True, want.ne_missing(want.shift(1)).to_numpy()[1:]]
        assert runs.starts.tolist() == np.flatnonzero(change).tolist()
        assert runs.cells().to_list() == want.gather(runs.starts).to_list()


@given(cells=st.lists(CELLS, min_size=1, max_size=40), cuts=st.lists(st.integers(0, 40)))
def test_runs_slice_and_join_as_the_column_does(cells: list[str | None], cuts: list[int]
                                                ) -> None:
    values = [c for c in cells for _ in range(3)]
    path_rows = np.array([0, *(i for i in range(1, len(values)) if values[i] != values[i - 1])])
    blob = b"".join((values[i] or "").encode() for i in path_rows)
    lengths = [len((values[i] or "").encode()) for i in path_rows]
    runs = Runs("kind", len(values), path_rows.astype(np.int64),
                np.cumsum([0, *lengths]).astype(np.int64),
                np.array([values[i] is not None for i in path_rows]),
                np.frombuffer(blob, np.uint8))
    assert runs.series().to_list() == values
    bounds = sorted({0, len(values), *(min(c, len(values)) for c in cuts)})
    pieces = [runs.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    joined = Runs.concat(pieces)
    assert joined.series().to_list() == values
    assert joined.starts.tolist() == runs.starts.tolist()  # equal cells across cuts merged


def test_a_cell_that_is_not_utf8_leaves_the_row_group_to_polars(tmp_path: Path) -> None:
    bad = pa.array([b"ok", b"\xe4\xb8", b"ok"], pa.binary()).view(pa.string())
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"applicant_id": bad}), path, compression="none")
    reader = SparseReader.of(path, pq.ParquetFile(path).metadata)
    assert reader is not None and reader.read(0) is None


def _bad_registry(tmp_path: Path, change: str) -> Path:
    frame = synth.frame(200, seed=9)
    ids = frame["applicant_id"].to_list()
    second = ids.index(ids[0], 0) + 1  # (the first applicant's second row)
    if change == "kind":  # changes inside an applicant
        frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == second).then(
            pl.lit("park")).otherwise(pl.col("kind")).alias("kind"))
    elif change == "credit_code":
        codes = frame["credit_code"].to_list()
        codes[0] = (codes[0] or "X")[:-1] + "?"
        frame = frame.with_columns(pl.Series("credit_code", codes))
    elif change == "blank_id":  # an empty id (not null)
        frame = frame.with_columns(pl.Series("applicant_id",
                                             ["" if i == ids[0] else i for i in ids]))
    elif change == "applicant_id":  # a null id, and an applicant whose rows are apart
        ids[5] = None
        ids[-1] = ids[0]
        frame = frame.with_columns(pl.Series("applicant_id", ids))
    path = tmp_path / f"bad-{change}.parquet"
    frame.write_parquet(path, compression="uncompressed", statistics=False)
    return path


@pytest.mark.parametrize("change", ["kind", "credit_code", "applicant_id", "blank_id",
                                    "none"])
def test_bad_applicant_columns_read_as_runs_are_the_same_problems(
        tmp_path: Path, change: str) -> None:
    path = _bad_registry(tmp_path, change)
    (_, frame), = list(io.frames(path, 10_000))
    assert set(RUN_COLUMNS) <= set(frame.sparse)
    outcomes: list[tuple[str, str]] = []
    for f in (frame, frame.dense()):
        try:
            batch = encode(f)
            outcomes.append(("ok", f"{batch.apps} {batch.in_scope.tolist()} "
                             f"{batch.app_ids.to_list()}"))
        except ScreenInputError as exc:
            outcomes.append(("refused", str(exc)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == ("ok" if change == "none" else "refused")
    if change != "none":
        assert change.replace("blank_id", "applicant_id") in outcomes[0][1]  # names the column


@pytest.mark.parametrize(("value", "refused"), [("", True), ("no-such-level", False),
                                                (None, True)])
def test_a_standards_level_read_sparsely_is_coded_as_whole(
        registry: Path, value: str | None, refused: bool) -> None:
    """A standard's level: an unknown one is `unsupported_level` (no problem), an empty or
    missing one a problem, either way as from the whole column."""
    (_, frame), = list(io.frames(registry, 10_000))
    types = frame.df.get_column("type").to_numpy()
    level = frame.sparse["level"]
    assert isinstance(level, Sparse)
    row = int(next(r for r in level.rows if types[r] == "standard_led"))
    bad = _bad(frame, "level", row, value)
    outcomes: list[tuple[str, str]] = []
    for f in (bad, bad.dense()):
        try:
            batch = encode(f)
            levels = [t.fields["level"].tolist() for t in batch.events.values()
                      if "level" in t.fields]
            outcomes.append(("ok", str(levels)))
        except ScreenInputError as exc:
            outcomes.append(("refused", str(exc)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == ("refused" if refused else "ok")
