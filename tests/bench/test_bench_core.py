"""The benchmark registry and its table (bench/core.py)."""

from __future__ import annotations

import math

from bench.core import Row, discover, render


def test_it_discovers_every_benchmark_module() -> None:
    assert {"api_load", "cold_evaluate"} <= set(discover())
    assert list(discover(["cold_evaluate"])) == ["cold_evaluate"]


def test_a_row_is_judged_against_its_target() -> None:
    assert Row("b", "rate", 1600, "/s", 1500, "higher").ok is True
    assert Row("b", "rate", 1400, "/s", 1500, "higher").ok is False
    assert Row("b", "p99", 50, "ms", 50, strict=True).ok is False
    assert Row("b", "p99", 49.9, "ms", 50, strict=True).ok is True
    assert Row("b", "p50", 3, "ms").ok is None
    assert Row.failure("b", "boom").ok is False


def test_the_table_has_the_agreed_columns() -> None:
    rows = [Row("api_load", "decisions/s", 3000, "/s", 1500, "higher"), Row("x", "y", math.nan, "")]
    table = render(rows, [("cores", "2")])
    assert "| benchmark | measure | value | target | ratio value/target | ok |" in table
    assert "| api_load | decisions/s | 3,000 /s | ≥ 1,500 /s | 2.00 | ok |" in table
    assert table.startswith("- cores: 2\n")
