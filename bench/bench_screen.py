"""Batch screening (`policyhub screen`, docs/screening.md) on synthetic registries.

End to end: a new `policyhub screen IN -o OUT.parquet` process reads the normalised input (a
directory: the applicants table and one table per event type), decides every rule with 就高不就低
and writes the long table; wall time and the peak RSS of that process (os.wait4), for 10k,
100k and 1M applicants (3–6 revenue years and 1–4 other events each: 1M applicants are about
4.5M revenue rows and 2.7M other rows). The inputs are generated once into
build/bench/screen/ (not timed). For the million, right after those runs: the same
registry as one wide events table (the old layout), and the floor — a process that reads the
same normalised input with Polars and writes the same output file, no rules — with the ratio
of the two; and the load average, since the machine is shared. For the million also the CPU
time, system time and page faults of a run: steadier than the wall clock of a shared VM, and
what tells a change of code from a change of machine. Beside them, the price of a page
fault here (first touch of fresh memory): a run pays it for every page of its peak memory.

Kernel: the rule kernel alone (`kernel.decide` on batches already in memory), and three
rules of it (P4.leading_firm, P5.urgent_talent, P6.standard) through the kernel against a
plain NumPy version of the same three rules: the floor for that work.

BENCH_SCREEN_SIZES (e.g. "10000,100000") and BENCH_SCREEN_RUNS tune it.
"""

from __future__ import annotations

import compileall
import datetime as dt
import math
import mmap
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import policyhub
from bench.core import BUILD, Row
from policyhub.engine import meta
from policyhub.engine.request import KINDS
from policyhub.screen import Options, synth
from policyhub.screen.encode import Batch, Typed, encode
from policyhub.screen.io import batches
from policyhub.screen.kernel import _Kernel, decide
from policyhub.screen.schema import REASON_CODE, TYPE_CODE
from policyhub.screen.tables import days, tables

NAME = "bench_screen"
HERE = BUILD / "bench" / "screen"
AS_OF = dt.date(2022, 12, 31)  # every covered fiscal year (2019–2021) has closed
SEED = 2019
SIZES = [int(x) for x in os.environ.get("BENCH_SCREEN_SIZES", "10000,100000,1000000").split(",")]
RUNS = int(os.environ.get("BENCH_SCREEN_RUNS", "5"))
TARGET_SECONDS = 2.0  # 1M applicants, end to end
TARGET_RSS_MB = 1024.0
TOUCH_MB = 256


def run() -> list[Row]:
    rows: list[Row] = [Row(NAME, "load average (1 min) before the runs", os.getloadavg()[0],
                           "")]
    for n in SIZES:
        source = registry(n, normalised=True)
        big = n >= 1_000_000
        runs = end_to_end(source)
        label = f"{n:,} applicants"
        if big:
            wide = end_to_end(registry(n), runs=max(RUNS // 2, 1))
            floor = floor_runs(source)
            rows += [
                Row(NAME, f"floor: Polars reads the normalised input and writes the same "
                    f"output, no rules ({label}, median)", floor, "s"),
                Row(NAME, f"end to end / floor, {label}", runs.wall / floor, "×"),
                Row(NAME, f"end to end, {label}, the wide events table as input (median)",
                    wide.wall, "s"),
                Row(NAME, f"CPU time, {label}, the wide events table as input", wide.cpu, "s"),
                Row(NAME, f"peak RSS, {label}, the wide events table as input", wide.rss_mb,
                    "MB"),
            ]
        rows.append(Row(NAME, f"end to end, {label} (median of {RUNS})", runs.wall, "s",
                        TARGET_SECONDS if big else None, strict=True))
        rows.append(Row(NAME, f"peak RSS, {label}", runs.rss_mb, "MB",
                        TARGET_RSS_MB if big else None, strict=True))
        if big:  # less noisy than the wall clock: what A/B comparisons and VMs differ in
            rows += [
                Row(NAME, f"CPU time (user + system), {label} (median)", runs.cpu, "s"),
                Row(NAME, f"of which system time, {label} (median)", runs.system, "s"),
                Row(NAME, f"cores busy (CPU / wall), {label}", runs.cpu / runs.wall, "×"),
                Row(NAME, f"page faults (minor), {label} (median)", runs.faults, ""),
            ]
    rows.append(Row(NAME, f"first touch of {TOUCH_MB} MB of fresh memory (this machine's "
                    "page-fault cost)", first_touch(), "ms"))
    rows += kernel_rows(registry(max(SIZES)))
    return rows


def registry(n: int, *, normalised: bool = False) -> Path:
    """The synthetic input for n applicants, generated once: a wide events table, or the
    normalised directory."""
    HERE.mkdir(parents=True, exist_ok=True)
    path = HERE / (f"synth-{n}-{SEED}" if normalised else f"synth-{n}-{SEED}.parquet")
    stamp = path.with_name(path.name.removesuffix(".parquet") + ".stamp")
    version = _synth_version()
    if not path.exists() or not stamp.exists() or stamp.read_text() != version:
        if normalised:
            shutil.rmtree(path, ignore_errors=True)
            synth.write_normalised(path, n, SEED)
        else:
            synth.write(path, n, SEED)
        stamp.write_text(version)
    return path


FLOOR = """
import sys, time
import polars as pl
import pyarrow as pa, pyarrow.parquet as pq
from pathlib import Path
from policyhub.screen.io import parquet_writer
from policyhub.screen.result import SCHEMA
source, decisions, target = (Path(a) for a in sys.argv[1:4])
start = time.perf_counter()
# the output to write, block by block as screening writes it: not part of the floor
found = pq.ParquetFile(decisions, read_dictionary=[
    f.name for f in SCHEMA if pa.types.is_dictionary(f.type)])
blocks = [found.read_row_group(i).cast(SCHEMA) for i in range(found.num_row_groups)]
loaded = time.perf_counter() - start
for table in sorted(source.glob("*.parquet")):
    pl.read_parquet(table)
out = parquet_writer(target)
for block in blocks:
    out.write_table(block, row_group_size=1 << 30)
out.close()
print(loaded)
"""


def floor_runs(source: Path) -> float:
    """The floor for `source` (a normalised input, its decisions written by end_to_end): a
    process that reads every table with Polars and writes the decisions file with the
    writer screening uses (io.parquet_writer: the same settings and blocks, so the same
    bytes), median of RUNS; its time loading the decisions to write is taken off. The
    file it writes is compared with screening's (AssertionError if they differ)."""
    decisions = source.with_name(source.name + ".decisions.parquet")
    target = source.with_name(source.name + ".floor.parquet")
    env = {**os.environ, "POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "2")}
    times = []
    for _ in range(RUNS):
        target.unlink(missing_ok=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", FLOOR, str(source), str(decisions),
                               str(target)], capture_output=True, text=True, env=env,
                              check=True)
        times.append(time.perf_counter() - start - float(done.stdout.split()[-1]))
    if target.read_bytes() != decisions.read_bytes():
        raise AssertionError(f"the floor wrote another file than screening: {target}")
    target.unlink(missing_ok=True)
    return statistics.median(times)


def _synth_version() -> str:
    # (the normalised tables are written by normalised.Writer: a change there, such as
    # applicant_row, must regenerate them too)
    from policyhub.screen import normalised
    return " ".join(str(Path(str(m.__file__)).stat().st_mtime_ns) for m in (synth, normalised))


@dataclass
class Runs:
    """Medians over the runs of one input (wall and CPU seconds, page faults) and the
    largest peak RSS."""

    wall: float
    cpu: float
    system: float
    faults: float
    rss_mb: float


def end_to_end(source: Path, *, runs: int = 0) -> Runs:
    """`policyhub screen` on `source`, RUNS times, each its own process (os.wait4 gives its
    own CPU time, page faults and peak RSS).

    As installed: the package's modules compiled (pip compiles them; an editable install
    under PYTHONDONTWRITEBYTECODE=1 would otherwise compile them on every start, 0.07 s),
    and each run writing a new file (replacing the previous run's 230 MB output first
    frees it, 0.035 s, which is the file system's time, not screening's)."""
    exe = Path(sys.executable).with_name("policyhub")
    target = source.with_name(source.name.removesuffix(".parquet") + ".decisions.parquet")
    argv = [str(exe), "screen", str(source), "-o", str(target), "--as-of",
            AS_OF.isoformat(), "--no-progress"]
    compileall.compile_dir(str(Path(policyhub.__file__).parent), quiet=1)
    return _summary([_run_once(argv, target) for _ in range(runs or RUNS)])


@dataclass(frozen=True)
class _Run:
    wall: float
    usage: resource.struct_rusage


def _run_once(argv: list[str], target: Path) -> _Run:
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read()  # (a few lines at most: the pipe cannot fill)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode != 0:
        raise RuntimeError(f"policyhub screen exited {child.returncode}: {err.decode()}")
    return _Run(wall, usage)


def _summary(runs: list[_Run]) -> Runs:
    median = statistics.median
    return Runs(median(r.wall for r in runs),
                median(r.usage.ru_utime + r.usage.ru_stime for r in runs),
                median(r.usage.ru_stime for r in runs), median(r.usage.ru_minflt for r in runs),
                max(r.usage.ru_maxrss for r in runs) / 1024)


def first_touch(mb: int = 0) -> float:
    """Milliseconds to write one byte into every page of `mb` (TOUCH_MB) megabytes just
    mapped (best of three): the price of a page fault on this machine. A screening run
    touches its peak memory once, and this price differs between VMs more than the CPU's
    speed does (docs/screening.md)."""
    size = (mb or TOUCH_MB) << 20
    best = math.inf
    for _ in range(3):
        with mmap.mmap(-1, size) as area:
            pages = np.frombuffer(area, np.uint8)
            start = time.perf_counter()
            pages[::mmap.PAGESIZE] = 1
            best = min(best, time.perf_counter() - start)
            del pages
    return best * 1000


def kernel_rows(source: Path) -> list[Row]:
    encoded = [encode(frame, first_row=first) for first, frame in batches(source)]
    options = Options(AS_OF)
    applicants = sum(b.apps for b in encoded)
    label = f"{applicants:,} applicants"
    whole = _best(lambda: [decide(b, options) for b in encoded])
    three = [_three(b) for b in encoded]
    kernel = _best(lambda: [_kernel_three(b, options, t) for b, t in zip(encoded, three,
                                                                            strict=True)])
    floor = _best(lambda: [_floor_three(b, t) for b, t in zip(encoded, three, strict=True)])
    return [
        Row(NAME, f"rule kernel alone, every rule with dedup ({label}, in memory)", whole,
            "s"),
        Row(NAME, f"three rules through the kernel ({label})", kernel, "s"),
        Row(NAME, f"three rules in plain NumPy, the floor ({label})", floor, "s"),
        Row(NAME, "kernel / floor for the three rules", kernel / floor if floor else 0.0, "×"),
    ]


def _best(work: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


Three = tuple[Typed, Typed, Typed]


def _three(b: Batch) -> Three:
    t = TYPE_CODE
    return (b.events[t["leading_firm_investment"]], b.events[t["urgent_talent"]],
            b.events[t["standard_led"]])


def _kernel_three(b: Batch, options: Options, three: Three) -> tuple[np.ndarray, ...]:
    k = _Kernel(b, options)
    k.leading_firm(three[0])
    k.urgent_talent(three[1])
    k.standard(three[2])
    return k.cands.get("num"), k.refusals.get("reason")


def _floor_three(b: Batch, three: Three) -> tuple[np.ndarray, ...]:
    """The same three rules written straight in NumPy for one period of parameters: gates
    (the applicant's kind among them), own reasons and amounts (fen), no general machinery."""
    t = tables()
    as_of, lo, hi = days(AS_OF), t.valid_from, t.valid_to
    out = []
    codes = [REASON_CODE[r] for r in ("future_event", "applicant_kind", "out_of_scope",
                                      "outside_validity")]
    rules = ("P4.leading_firm", "P5.urgent_talent", "P6.standard")
    for e, rule in zip(three, rules, strict=True):
        day = e.fields["date"]
        kinds = np.array([k in meta.rule(rule).kinds for k in KINDS])
        reason = np.where(day > as_of, codes[0], np.where(
            ~kinds[b.kind[e.app]], codes[1], np.where(
                ~b.in_scope[e.app], codes[2], np.where((day < lo) | (day > hi), codes[3], -1))))
        if e is three[0]:
            f = e.fields
            reason = np.where(reason >= 0, reason, np.where(
                f["paid_in_capital"] < t.leading_threshold.fen[0, 0],
                REASON_CODE["below_threshold"],
                np.where(f["schedule_met"], -1, REASON_CODE["schedule_not_met"])))
            num = f["completed_investment"] * t.leading_rate.num[0]
            den, cap = t.leading_rate.den, t.leading_cap.fen[0, 0]
            amount = np.where(num >= cap * den, cap, (2 * num + den) // (2 * den))
        elif e is three[1]:
            amount = t.urgent_talent.fen[0][e.fields["category"]]
        else:
            level = e.fields["level"]
            amount = np.where(level >= 0, t.standard.fen[0][np.maximum(level, 0)], -1)
            reason = np.where((reason < 0) & (amount < 0), REASON_CODE["unsupported_level"],
                              reason)
            local = t.standard_levels.index("local")
            reason = np.where((reason < 0) & (level == local) & e.fields["revision"],
                              REASON_CODE["local_revision"], reason)
        ok = reason < 0
        out += [e.app[ok], amount[ok], e.app[~ok], reason[~ok]]
    return tuple(out)
