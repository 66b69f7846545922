"""The screening benchmark's own measurements (bench/bench_screen.py), on small inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_screen
from policyhub.screen import synth


def test_first_touch_times_the_faults_of_fresh_memory() -> None:
    small, large = bench_screen.first_touch(4), bench_screen.first_touch(64)
    assert 0 < small < large  # sixteen times the pages cost more than one set of them


@pytest.mark.slow
def test_end_to_end_reports_each_run_of_its_own_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "synth.parquet"
    synth.write(source, 300, seed=5)
    monkeypatch.setattr(bench_screen, "RUNS", 2)
    runs = bench_screen.end_to_end(source)
    assert runs.wall > 0 and 0 < runs.system < runs.cpu
    assert runs.faults > 1000  # a Python process with NumPy, Polars and pyarrow loaded
    assert runs.rss_mb > 50
    assert source.with_name("synth.decisions.parquet").stat().st_size > 0



def test_end_to_end_says_why_a_run_failed(tmp_path: Path) -> None:
    source = tmp_path / "broken.parquet"
    source.write_bytes(b"not parquet")
    with pytest.raises(RuntimeError, match=r"exited 2: .*cannot read as Parquet"):
        bench_screen.end_to_end(source)


@pytest.mark.slow
def test_the_floor_writes_screenings_own_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The floor writes the decisions with screening's writer: the same file, byte for byte
    (floor_runs checks it, and raises otherwise: here, against a file written otherwise)."""
    import pyarrow.parquet as pq

    source = tmp_path / "synth"
    synth.write_normalised(source, 300, 5)
    monkeypatch.setattr(bench_screen, "RUNS", 1)
    bench_screen.end_to_end(source)
    assert bench_screen.floor_runs(source) > 0
    decisions = source.with_name("synth.decisions.parquet")
    pq.write_table(pq.read_table(decisions), decisions, compression="snappy")
    with pytest.raises(AssertionError, match="another file than screening"):
        bench_screen.floor_runs(source)
