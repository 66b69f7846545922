"""Cold start of the CLI: wall time of `policyhub evaluate FILE`, a new process each run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.core import BUILD, Row, request_files

NAME = "cold_evaluate"
RUNS = int(os.environ.get("BENCH_COLD_RUNS", "20"))
TARGET_SECONDS = 0.3
EXAMPLE = "different_matters_stack.json"


def run() -> list[Row]:
    exe = Path(sys.executable).with_name("policyhub")
    files = request_files(BUILD / "bench" / "requests")
    request = next((p for p in files if p.name == EXAMPLE), files[0])
    _once(exe, request)  # not timed: writes any missing .pyc files
    times = [_once(exe, request) for _ in range(RUNS)]
    where = f"{RUNS} runs, {request.name}"
    return [
        Row(NAME, f"median wall time ({where})", statistics.median(times), "s", TARGET_SECONDS),
        Row(NAME, f"max wall time ({where})", max(times), "s", TARGET_SECONDS),
    ]


def _once(exe: Path, request: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(exe), "evaluate", str(request)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"policyhub evaluate exited {done.returncode}: {done.stderr.decode()}")
    return elapsed
