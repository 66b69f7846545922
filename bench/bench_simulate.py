"""`policyhub simulate` (baseline + scenario) against one `policyhub screen` of the same
1,000,000 synthetic applicants (docs/simulation.md, "Speed"): target ratio ≤ 2.

Each run is its own process, the two commands interleaved (so a drift of the machine falls
on both alike), the medians compared. The screening writes its Parquet decisions, as in
bench_screen; the simulation prints its summary (no workbook: the .xlsx holds only the
aggregates and the listed applicants, whatever the input's size).
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

from bench.bench_screen import AS_OF, _run_once, registry
from bench.core import Row
from policyhub.simulate.scenario import SCENARIO_DIR

NAME = "bench_simulate"
APPLICANTS = int(os.environ.get("BENCH_SIMULATE_APPLICANTS", "1000000"))
RUNS = int(os.environ.get("BENCH_SIMULATE_RUNS", "5"))
TARGET_RATIO = 2.0
SCENARIO = SCENARIO_DIR / "milestones_up.yaml"


def run() -> list[Row]:
    return measure(registry(APPLICANTS))


def measure(source: Path) -> list[Row]:
    """Both commands on `source`, RUNS times each, interleaved; the rows."""
    exe = str(Path(sys.executable).with_name("policyhub"))
    target = source.with_name(source.stem + ".simulate-screen.parquet")
    screen = [exe, "screen", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
              "--no-progress"]
    simulate = [exe, "simulate", "--scenario", str(SCENARIO), str(source), "--as-of",
                AS_OF.isoformat()]
    walls: dict[str, list[float]] = {"screen": [], "simulate": []}
    cpus: dict[str, list[float]] = {"screen": [], "simulate": []}
    for _ in range(RUNS):
        for name, argv in (("screen", screen), ("simulate", simulate)):
            done = _run_once(argv, target)
            walls[name].append(done.wall)
            cpus[name].append(done.usage.ru_utime + done.usage.ru_stime)
    target.unlink(missing_ok=True)
    med = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    label = f"{APPLICANTS:,} applicants"
    ratio = med["simulate"] / med["screen"]
    print(f"simulate / screen, wall: {ratio:.2f}× (medians {med['simulate']:.2f} s / "
          f"{med['screen']:.2f} s)", file=sys.stderr)
    return [
        Row(NAME, f"simulate (baseline + scenario), {label} (median of {RUNS})",
            med["simulate"], "s"),
        Row(NAME, f"one screening of the same input (median of {RUNS}, interleaved)",
            med["screen"], "s"),
        Row(NAME, f"simulate / screen, wall, {label}", ratio, "×", TARGET_RATIO),
        Row(NAME, f"simulate / screen, CPU time (user + system), {label}",
            cpu["simulate"] / cpu["screen"], "×"),
    ]
