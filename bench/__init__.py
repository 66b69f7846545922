"""Benchmarks, run by `make bench` (`python -m bench [NAME …]`).

Each module of this package that defines `run() -> list[Row]` is a benchmark; adding a
module registers it. The runner prints one table (benchmark, measure, value, target,
ratio value/target, ok) and writes it to build/bench.md.
"""
