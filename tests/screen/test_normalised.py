"""The normalised screening input (policyhub.screen.normalised): a directory with the
applicants table and one table per event type decides exactly as the wide events table of
the same registry, and a directory that is not such an input is refused in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from policyhub.screen import io, normalised, schema, synth
from policyhub.screen.cli import main

AS_OF = "2021-06-30"
N = 300


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("normalised")
    wide, directory = where / "wide.parquet", where / "registry"
    synth.write(wide, N, seed=11)
    synth.write_normalised(directory, N, seed=11)
    return {"wide": wide, "normalised": directory}


def _run(source: Path, target: Path) -> int:
    return main([str(source), "-o", str(target), "--as-of", AS_OF, "--no-progress"])


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_the_same_registry_wide_and_normalised_gives_identical_files(
        inputs: dict[str, Path], tmp_path: Path, suffix: str) -> None:
    wide, normal = tmp_path / f"wide{suffix}", tmp_path / f"normalised{suffix}"
    assert _run(inputs["wide"], wide) == 0
    assert _run(inputs["normalised"], normal) == 0
    assert wide.read_bytes() == normal.read_bytes()
    assert wide.stat().st_size > 10_000


def test_the_generator_writes_one_table_per_noun_with_its_own_columns_only(
        inputs: dict[str, Path]) -> None:
    names = {p.name for p in inputs["normalised"].iterdir()}
    assert "applicants.parquet" in names and "annual_revenue.parquet" in names
    applicants = pq.ParquetFile(inputs["normalised"] / "applicants.parquet")
    assert applicants.metadata.num_rows == N
    assert set(applicants.schema_arrow.names) == set(schema.APPLICANT_COLUMNS) - {"name"}
    revenue = pq.ParquetFile(inputs["normalised"] / "annual_revenue.parquet")
    assert revenue.schema_arrow.names == ["applicant_id", "event_index", "matter",
                                          "applicant_row", "year", "amount"]
    rows = pl.read_parquet(inputs["normalised"] / "annual_revenue.parquet")
    heads = pl.read_parquet(inputs["normalised"] / "applicants.parquet")
    # each event row's applicant_row is its applicant's row in applicants.parquet
    assert rows.get_column("applicant_id").equals(
        heads.get_column("applicant_id").gather(rows.get_column("applicant_row")))


def test_the_reader_keeps_its_column_lists_equal_to_the_schema() -> None:
    # (normalised.py must not import schema.py, which loads the engine)
    assert tuple(schema.APPLICANT_COLUMNS) == normalised.APPLICANT_COLUMNS
    assert {
        t: (*fields, *schema.OPTIONAL_FIELDS.get(t, ()))
        for t, fields in schema.EVENT_FIELDS.items()} == normalised.EVENT_FIELDS


def test_batches_follow_the_same_schedule_as_the_wide_file(
        inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 80)
    wide = [b for _, b in io.frames(inputs["wide"])]
    normal = [b for _, b in io.frames(inputs["normalised"])]
    assert all(isinstance(b, normalised.Tables) for b in normal)
    assert [b.applicants.height for b in normal] == [20, 60, 80, 80, 60]  # type: ignore[union-attr]
    for a, b in zip(wide, normal, strict=True):
        rows = normalised.wide(b)  # type: ignore[arg-type]
        assert isinstance(a, pl.DataFrame)
        assert a.select(rows.columns).cast(rows.schema).equals(rows)  # (it has every column)


def test_an_applicant_without_events_gets_a_decision(tmp_path: Path) -> None:
    frame = synth.frame(3, seed=2)
    source = tmp_path / "in"
    normalised.write(source, frame)
    extra = pl.DataFrame({"applicant_id": ["lonely"], "kind": ["person"],
                          "registered_in_changsha": [True], "taxed_in_changsha": [True],
                          "cybersecurity_business": [True]})
    applicants = pl.read_parquet(source / "applicants.parquet")
    pl.concat([applicants, extra], how="diagonal_relaxed").write_parquet(
        source / "applicants.parquet")
    target = tmp_path / "out.jsonl"
    assert _run(source, target) == 0
    last = target.read_text(encoding="utf-8").splitlines()[-1]
    assert '"applicant": {"id": "lonely"}' in last and '"total": "0.00"' in last


def _copy(inputs: dict[str, Path], tmp_path: Path) -> Path:
    target = tmp_path / "registry"
    shutil.copytree(inputs["normalised"], target)
    return target


def _refused(source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    target = tmp_path / "out.parquet"
    assert _run(source, target) == 2
    assert not target.exists()
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    return err


def test_an_event_of_an_unknown_applicant_is_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy(inputs, tmp_path)
    table = pl.read_parquet(source / "ipo_stage.parquet")
    table.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("nobody"))
                       .otherwise(pl.col("applicant_id")).alias("applicant_id")) \
        .write_parquet(source / "ipo_stage.parquet")
    err = _refused(source, tmp_path, capsys)
    assert "ipo_stage.parquet: row 2, applicant_id 'nobody' is not in applicants.parquet" in err


def test_events_out_of_the_applicants_order_are_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy(inputs, tmp_path)
    table = pl.read_parquet(source / "annual_revenue.parquet")
    table.reverse().write_parquet(source / "annual_revenue.parquet")
    err = _refused(source, tmp_path, capsys)
    assert "annual_revenue.parquet: row " in err and "in the order of applicants" in err


@pytest.mark.parametrize("name", ["notes.txt", "unknown_event.parquet"])
def test_a_file_that_is_not_a_table_of_the_input_is_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        name: str) -> None:
    source = _copy(inputs, tmp_path)
    (source / name).write_text("x")
    err = _refused(source, tmp_path, capsys)
    assert f"{name}: not a table of a normalised input" in err


def test_a_directory_without_applicants_is_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy(inputs, tmp_path)
    (source / "applicants.parquet").unlink()
    assert "no applicants.parquet" in _refused(source, tmp_path, capsys)


def test_a_table_without_its_key_columns_is_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy(inputs, tmp_path)
    pl.read_parquet(source / "standard_led.parquet").drop("event_index") \
        .write_parquet(source / "standard_led.parquet")
    assert "required column 'event_index' is missing" in _refused(source, tmp_path, capsys)


def test_a_row_group_declaring_more_than_the_memory_limit_is_refused_before_reading(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(io.MAX_BYTES_SETTING, "100000")
    err = _refused(inputs["wide"], tmp_path, capsys)
    assert "row group 0 declares" in err and "POLICYHUB_SCREEN_MAX_BYTES=100,000" in err
    err = _refused(inputs["normalised"], tmp_path, capsys)
    assert "annual_revenue.parquet: row group 0 declares" in err or "declares" in err


def test_a_bad_memory_limit_setting_is_named(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(io.MAX_BYTES_SETTING, "1GB")
    assert "POLICYHUB_SCREEN_MAX_BYTES='1GB': expected a positive number of bytes" in \
        _refused(inputs["wide"], tmp_path, capsys)


def test_tables_without_applicant_rows_give_the_same_file(
        inputs: dict[str, Path], tmp_path: Path) -> None:
    # (a hand-made input has no applicant_row: its rows are found by their ids)
    source = _copy(inputs, tmp_path)
    for table in source.iterdir():
        if table.name != "applicants.parquet":
            pl.read_parquet(table).drop("applicant_row").write_parquet(table)
    wide, normal = tmp_path / "wide.parquet", tmp_path / "normal.parquet"
    assert _run(inputs["wide"], wide) == 0
    assert _run(source, normal) == 0
    assert wide.read_bytes() == normal.read_bytes()


def test_an_applicant_row_that_disagrees_with_the_id_is_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy(inputs, tmp_path)
    table = pl.read_parquet(source / "ipo_stage.parquet")
    table.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("nobody"))
                       .otherwise(pl.col("applicant_id")).alias("applicant_id")) \
        .write_parquet(source / "ipo_stage.parquet")
    err = _refused(source, tmp_path, capsys)
    assert "ipo_stage.parquet: row 2, applicant_id 'nobody' is not in applicants.parquet" in err


@pytest.mark.parametrize(("value", "said"), [
    (None, "row 2, applicant_row must be a whole number"),
    (N, f"row 2, applicant_row {N} is not a row of applicants.parquet ({N} rows, from 0)"),
    (-1, "row 2, applicant_row -1 is not a row of applicants.parquet"),
])
def test_a_bad_applicant_row_is_refused(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        value: int | None, said: str) -> None:
    source = _copy(inputs, tmp_path)
    table = pl.read_parquet(source / "annual_revenue.parquet")
    table.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit(value, pl.Int64))
                       .otherwise(pl.col("applicant_row")).alias("applicant_row")) \
        .write_parquet(source / "annual_revenue.parquet")
    assert f"annual_revenue.parquet: {said}" in _refused(source, tmp_path, capsys)


def _in_order(app: list[int], ev: list[int], types: list[str]) -> bool:
    from policyhub.screen.encode import TYPE_CODE, tables_in_order
    return tables_in_order(np.array(app, np.int64), np.array(ev, np.int64),
                           np.array([TYPE_CODE[t] for t in types], np.int64), max(app) + 1)


def test_a_batch_in_its_tables_order_is_not_sorted_and_anything_else_is() -> None:
    # applicant 0: revenue 0, ipo 1; applicant 1: revenue 0, fees 1 (two rows)
    rev, ipo, fee = "annual_revenue", "ipo_stage", "platform_service_fees"
    assert _in_order([0, 1, 0, 1, 1], [0, 0, 1, 1, 1], [rev, rev, ipo, fee, fee])
    # a gap (applicant 0 has 0 and 2), a repeat across tables, a repeat outside fees, and
    # a table out of event_index order: each goes to the sort, which words the problem
    assert not _in_order([0, 1, 0, 1], [0, 0, 2, 1], [rev, rev, ipo, ipo])
    assert not _in_order([0, 1, 0, 1], [0, 0, 0, 1], [rev, rev, ipo, ipo])
    assert not _in_order([0, 0, 1], [0, 0, 0], [ipo, ipo, rev])
    assert not _in_order([0, 0, 1, 1], [1, 0, 1, 0], [rev, rev, ipo, ipo])
    # an index past the applicant's count landing in the next applicant's slots, a
    # negative index, and a fee event's further row followed by a gap
    assert not _in_order([0, 1], [1, 0], [rev, rev])
    assert not _in_order([0, 1, 1], [1, 0, -1], [rev, rev, ipo])
    assert not _in_order([0, 0, 0], [0, 0, 2], [fee, fee, fee])
    assert _in_order([0, 0, 0, 1], [0, 0, 1, 0], [fee, fee, fee, fee])


def test_a_batch_whose_types_come_in_blocks_is_split_without_a_sort() -> None:
    from policyhub.screen.encode import _blocks
    rows = np.arange(10, 16, dtype=np.int64)
    t = np.array([3, 3, 0, 0, 0, 7], np.int64)
    blocks = _blocks(rows, t)
    assert blocks is not None
    order = np.argsort(t, kind="stable")
    for code, at in blocks.items():  # what the stable sort by type gives
        assert at.tolist() == rows[order][t[order] == code].tolist()
    assert _blocks(rows, np.array([3, 0, 3, 0, 0, 7], np.int64)) is None  # 3 in two blocks
    assert all(len(at) == 0 for at in (_blocks(rows[:0], t[:0]) or {}).values())
