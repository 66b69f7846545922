"""The outlook benchmark (bench/bench_outlook.py) end to end on a small scale: the child
builds its own database, copies the history and reports its rows."""

from __future__ import annotations

import math

import pytest

from bench import bench_outlook


def test_it_measures_the_projection_of_a_scaled_copy(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: object) -> None:
    monkeypatch.setenv("BENCH_OUTLOOK_SCALE", "2")
    monkeypatch.setenv("BENCH_OUTLOOK_PATHS", "200")
    monkeypatch.setattr(bench_outlook, "DB", bench_outlook.BUILD / "bench" / "outlook-test.sqlite3")
    rows = bench_outlook.run()
    main = rows[0]
    assert "200 paths over the demo ×2 (600 organisations, 3 budget years)" in main.measure
    assert main.target == bench_outlook.TARGET_S and main.ok and not math.isnan(main.value)
    assert all(r.target is None for r in rows[1:])
    assert rows[1].value + rows[2].value == pytest.approx(main.value)
