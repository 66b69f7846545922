"""policyhub.screen.parquet_out: the decisions file written by the compiled passes reads back,
with pyarrow and with Polars, exactly as the file pyarrow's writer makes of the same tables —
whatever the runs of nulls and values, slices, dictionary sizes and row groups."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyhub.screen import accel, screen_frame, synth
from policyhub.screen.options import Options
from policyhub.screen.parquet_out import CREATED_BY, FastParquetWriter, Thrift
from policyhub.screen.result import SCHEMA

DICTIONARIES = [f.name for f in SCHEMA if pa.types.is_dictionary(f.type)]


def by_pyarrow(path: Path, tables: list[pa.Table]) -> None:
    with pq.ParquetWriter(path, SCHEMA, compression="none", store_schema=False,
                          write_statistics=False, use_dictionary=DICTIONARIES,
                          store_decimal_as_integer=True) as out:
        for t in tables:
            out.write_table(t, row_group_size=1 << 30)


def by_us(path: Path, tables: list[pa.Table]) -> None:
    out = FastParquetWriter(path, SCHEMA)
    for t in tables:
        out.write_table(t)
    out.close()


def same_file_contents(tmp_path: Path, tables: list[pa.Table]) -> None:
    ours, theirs = tmp_path / "ours.parquet", tmp_path / "theirs.parquet"
    by_us(ours, tables)
    by_pyarrow(theirs, tables)
    a, b = pq.read_table(ours), pq.read_table(theirs)
    assert a.schema.equals(b.schema)
    assert a.equals(b)
    assert pl.read_parquet(ours).equals(pl.read_parquet(theirs))
    meta, want = pq.ParquetFile(ours).metadata, pq.ParquetFile(theirs).metadata
    assert meta.num_row_groups == want.num_row_groups == len(tables)
    assert meta.schema.equals(want.schema)
    assert meta.created_by == CREATED_BY


def test_the_compiled_writer_is_on() -> None:
    assert accel.ACTIVE


def test_screened_batches_read_back_as_pyarrow_writes_them(tmp_path: Path) -> None:
    options = Options(synth.AS_OF, "matter", "highest")
    tables = [screen_frame(synth.frame(n, seed=n), options).table for n in (2000, 700, 1)]
    same_file_contents(tmp_path, tables)
    same_file_contents(tmp_path, [tables[0].slice(3, 1500), tables[1].slice(8)])


def column_values(rng: np.random.Generator, n: int) -> list[pa.Array]:
    """One table's columns: runs of one value or of nulls and stretches of mixed ones, so
    that both kinds of hybrid run (and the groups around them) occur."""
    def cells(pick: list[object], nulls: bool) -> list[object]:
        out: list[object] = []
        while len(out) < n:
            length = int(rng.choice([1, 1, 3, 7, 8, 9, 16, 40]))
            if rng.random() < 0.5:  # a run of one value (or of nulls)
                value = None if nulls and rng.random() < 0.3 else pick[rng.integers(len(pick))]
                out += [value] * length
            else:
                out += [None if nulls and rng.random() < 0.3 else pick[rng.integers(len(pick))]
                        for _ in range(length)]
        return out[:n]

    words: list[object] = ["award", "excluded", "P4.leading_firm", "二(四)", "", "x" * 30]
    money: list[object] = [Decimal(int(f)).scaleb(-2)
                           for f in rng.integers(-10**12, 10**12, 50)]
    counts: list[object] = [int(x) for x in rng.integers(0, 2**31 - 1, 50)]
    ids = [f"S-{i:05d}" for i in rng.integers(0, 70_000, n)]
    columns = []
    for field in SCHEMA:
        t = field.type
        if field.name == "applicant_id":
            columns.append(pa.array(ids).dictionary_encode().cast(t))
        elif pa.types.is_dictionary(t):
            values = cells(words, field.nullable)
            columns.append(pa.array(values, pa.string()).dictionary_encode().cast(t))
        elif pa.types.is_decimal(t):
            columns.append(pa.array(cells(money, True), t))
        elif pa.types.is_boolean(t):
            columns.append(pa.array(cells([True, False], True), t))
        else:
            columns.append(pa.array(cells(counts, True), t))
    return columns


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 300), min_size=1, max_size=3),
       st.integers(0, 9))
def test_random_tables_read_back_as_pyarrow_writes_them(
        tmp_path_factory: pytest.TempPathFactory, seed: int, sizes: list[int], cut: int
        ) -> None:
    rng = np.random.default_rng(seed)
    tables = []
    for n in sizes:
        table = pa.Table.from_arrays(column_values(rng, n + cut), schema=SCHEMA)
        tables.append(table.slice(cut))  # arrays that start at an offset
    same_file_contents(tmp_path_factory.mktemp("random"), tables)


def test_a_table_of_another_schema_is_refused(tmp_path: Path) -> None:
    out = FastParquetWriter(tmp_path / "x.parquet", SCHEMA)
    with pytest.raises(ValueError, match="schema"):
        out.write_table(pa.table({"a": [1]}))
    out.close()


def test_thrift_compact_encoding_of_the_pieces_parquet_uses() -> None:
    t = Thrift()
    t.struct([(1, 5, 1), (2, 6, -2), (4, 8, "ab"), (5, 1, True), (6, 1, False),
              (7, 9, (5, list(range(16)))), (8, 12, [(1, 5, 3)]), (9, 5, None)])
    assert bytes(t.out) == bytes(
        [0x15, 0x02, 0x16, 0x03, 0x28, 0x02, 0x61, 0x62, 0x11, 0x12, 0x19, 0xF5, 0x10,
         *[(i << 1) for i in range(16)], 0x1C, 0x15, 0x06, 0x00, 0x00])


def test_hybrid_runs_decode_to_the_values(tmp_path: Path) -> None:
    # Levels straight from a bitmap (offset 0), through values (an offset), and none.
    valid = np.array([True] * 20 + [False] * 17 + [True, False] * 9 + [True] * 3)
    cap = pa.array([Decimal(i) if v else None for i, v in enumerate(valid)],
                   pa.decimal128(18, 2))
    for array in (cap, cap.slice(3), pa.array([Decimal(1)] * 30, pa.decimal128(18, 2))):
        n = len(array)
        columns = [pa.array([f"a{i}" for i in range(n)]).dictionary_encode().cast(f.type)
                   if f.name == "applicant_id" else
                   array if f.name == "cap" else pa.nulls(n, f.type)
                   if f.nullable else pa.array(["total"] * n).dictionary_encode().cast(f.type)
                   for f in SCHEMA]
        same_file_contents(tmp_path, [pa.Table.from_arrays(columns, schema=SCHEMA)])
