"""Reading a registry export in batches of whole applicants (policyhub.screen.io.batches)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from policyhub.screen import io, synth

N = 130  # applicants


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return synth.frame(N, seed=11)


def _ids(frame: pl.DataFrame) -> list[str]:
    return frame["applicant_id"].unique(maintain_order=True).to_list()


def _write(frame: pl.DataFrame, path: Path, applicants_per_group: int,
           compression: str = "snappy") -> None:
    """Row groups of exactly `applicants_per_group` whole applicants."""
    ids = frame["applicant_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    cuts = [*starts[::applicants_per_group].tolist(), len(ids)]
    table = frame.to_arrow()
    with pq.ParquetWriter(path, table.schema, compression=compression) as writer:
        for a, b in itertools.pairwise(cuts):
            writer.write_table(table.slice(a, b - a))


def _applicants(batch: pl.DataFrame) -> int:
    return batch["applicant_id"].n_unique()


def test_batches_follow_the_schedule_whatever_the_row_groups(
        frame: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 40)  # a quarter, three quarters, then 40s
    for group in (40, 7, 1000):
        path = tmp_path / f"groups-{group}.parquet"
        _write(frame, path, group)
        got = list(io.batches(path))
        assert [_applicants(b) for _, b in got] == [10, 30, 40, 40, 10]
        assert [first for first, _ in got] == np.cumsum(
            [0, *[b.height for _, b in got[:-1]]]).tolist()  # first rows, in file order
        assert pl.concat([b for _, b in got]).equals(frame)


def test_batches_of_aligned_row_groups_are_the_row_groups_themselves(
        frame: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full batch whose next row group starts another applicant is passed on as read,
    without waiting for that row group (a one-row look ahead decides)."""
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 40)
    monkeypatch.setattr(io, "FIRST_SPLIT_ROWS", 1 << 30)  # read the first group whole
    path = tmp_path / "aligned.parquet"
    _write(frame, path, 40, "none")  # (compressed, Polars would read every column)
    reads: list[int] = []
    real = io._parquet_blocks

    def counted(p: Path, first: int | None = None
                ) -> Iterator[tuple[pl.DataFrame, io.Peek | None]]:
        for block, peek in real(p, first):
            reads.append(block.height)
            yield block, peek

    monkeypatch.setattr(io, "_parquet_blocks", counted)
    seen = []
    for _, batch in io.frames(path):
        seen.append((batch.get_column("applicant_id").n_unique(), len(reads),
                     batch.n_chunks()))
    # Batches 3 and 4 are row groups 2 and 3, each yielded before the next group is read.
    assert seen[2:4] == [(40, 2, 1), (40, 3, 1)]


def test_a_large_first_row_group_is_cut_where_the_second_batch_starts(
        frame: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first row group comes in two slices, the first exactly the first batch: so no
    batch is joined from pieces (one chunk per column: nothing to copy when encoded)."""
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 40)
    monkeypatch.setattr(io, "FIRST_SPLIT_ROWS", 2)  # every first row group is split
    path = tmp_path / "one-group.parquet"
    _write(frame, path, 80)  # groups of 80 applicants: batches of 10 and 30, then 40 …
    slices = [b.height for b, _ in io._parquet_blocks(path, 10)]
    got = list(io.batches(path))
    assert [_applicants(b) for _, b in got] == [10, 30, 40, 40, 10]
    assert slices[:2] == [got[0][1].height, got[1][1].height + got[2][1].height]
    assert [b.n_chunks() for _, b in got[:2]] == [1, 1]
    assert pl.concat([b for _, b in got]).equals(frame)
    # A first group with fewer applicants than the first batch is read whole.
    assert next(b.height for b, _ in io._parquet_blocks(path, 1000)) == sum(slices[:2])


def test_the_first_row_group_is_cut_by_applicant_whatever_the_id_type(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Integer ids and a null id (refused later by encode, but counted as an applicant of
    its own here, as batches counts them) are cut like text ones."""
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 8)
    monkeypatch.setattr(io, "FIRST_SPLIT_ROWS", 2)
    ids = [1, 1, 2, None, None, 3, 4, 4, 4, 5, 6, 7, 8, 9]
    path = tmp_path / "ints.parquet"
    pq.write_table(pa.table({"applicant_id": pa.array(ids, pa.int64())}), path)
    slices = [b.get_column("applicant_id").to_list() for b, _ in io._parquet_blocks(path, 2)]
    assert slices == [[1, 1, 2], [None, None, 3, 4, 4, 4, 5, 6, 7, 8, 9]]
    got = [b.get_column("applicant_id").to_list() for _, b in io.batches(path)]
    assert got == [[1, 1, 2], [None, None, 3, 4, 4, 4, 5, 6, 7], [8, 9]]  # 2, 6, then 8


def test_batches_join_an_applicant_cut_by_csv_blocks(
        frame: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "CSV_BLOCK", 1 << 11)  # blocks of 2 KB cut through applicants
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 40)
    path = tmp_path / "registry.csv"
    frame.write_csv(path)
    got = [b for _, b in io.batches(path)]
    assert [_applicants(b) for b in got] == [10, 30, 40, 40, 10]
    assert [i for b in got for i in _ids(b)] == _ids(frame)  # every applicant once, in order


def test_batches_pass_a_frame_without_applicant_id_on_whole(tmp_path: Path) -> None:
    """encode refuses it, naming the column; the reader must not fail first."""
    path = tmp_path / "no-ids.parquet"
    pq.write_table(pa.table({"kind": ["enterprise", "person"]}), path)
    got = list(io.batches(path))
    assert [(first, b.height) for first, b in got] == [(0, 2)]


@pytest.mark.parametrize("name", ["registry.xlsx", "registry.parquet"])
def test_batches_refuse_what_they_cannot_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"not a table")
    with pytest.raises(io.InputFileError, match=name):
        list(io.batches(path))
