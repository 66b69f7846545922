"""The simulation benchmark (bench/bench_simulate.py) end to end on a small input: both
commands run, interleaved, and the ratio is their medians' ratio."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_simulate
from policyhub.screen import synth


@pytest.mark.slow
def test_the_ratio_compares_simulate_with_one_screening(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "synth.parquet"
    synth.write(source, 500, seed=5)
    monkeypatch.setattr(bench_simulate, "RUNS", 1)
    rows = bench_simulate.measure(source)
    simulate = next(r for r in rows if r.measure.startswith("simulate ("))
    screen = next(r for r in rows if r.measure.startswith("one screening"))
    ratio = next(r for r in rows if r.measure.startswith("simulate / screen, wall"))
    assert ratio.value == pytest.approx(simulate.value / screen.value)
    assert ratio.target == 2.0 and ratio.unit == "×"
    assert not source.with_name("synth.simulate-screen.parquet").exists()
