"""`policyhub screen INPUT`: decide every applicant of a registry export (docs/screening.md)."""

from __future__ import annotations

import os

from policyhub.screen import allocator_conf

# Polars' allocator (jemalloc) reads its options when Polars is loaded: keep freed pages for
# a few seconds, since every batch frees and reallocates the same amounts (see
# keep_freed_memory and allocator_conf). No effect when Polars was imported before this
# module.
os.environ["_RJEM_MALLOC_CONF"] = allocator_conf(os.environ.get("_RJEM_MALLOC_CONF"))
# The CLI runs its own threads (WORKERS that each read and decide a batch, the writer in
# the main thread), each on whole batches; Polars' own thread pool on top of them only adds
# hand-offs and spinning (measured: more CPU time and a slower wall clock on 2 cores). Set
# before Polars is loaded; an explicit POLARS_MAX_THREADS wins.
os.environ.setdefault("POLARS_MAX_THREADS", "1")
# NumPy's OpenBLAS starts a thread per core that spins after each BLAS call; the deciding
# threads are the parallelism here, and the spinning took CPU from them (measured with perf).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import contextlib
import datetime as dt
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

# Only what parsing the arguments and reading the input need is imported here: the engine,
# the parameter tables and the kernel are imported (warm_up) while the first batches are
# read, so the second core is not idle during the imports (docs/screening.md).
from policyhub.screen import collector_off
from policyhub.screen.io import FORMATS, InputFileError, Output, check_output, frames, size_hint
from policyhub.screen.options import OPTIONS, Options
from policyhub.screen.problems import Problems, ScreenInputError

if TYPE_CHECKING:
    from policyhub.screen.normalised import Tables
    from policyhub.screen.result import ScreenResult, Summary

EXIT_BAD_INPUT = 2
WORKERS = 2  # batches decided at once


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyhub screen",
        description="Decide every applicant of a registry export (a normalised directory of "
        "Parquet tables, or a wide events table, CSV or Parquet; see docs/screening.md) as "
        "`policyhub evaluate` would, and write every "
        "award, discretionary item and ineligible entry. Bad input: the problems on standard "
        "error, exit status 2, nothing written.")
    parser.add_argument("input", metavar="INPUT", type=Path,
                        help="normalised registry (a directory: applicants.parquet and one "
                        "table per event type) or wide events table (.parquet or .csv)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="decisions file; format by suffix: " + ", ".join(FORMATS))
    parser.add_argument("--as-of", metavar="DATE", help="decision date (default: today)")
    parser.add_argument("--dedup-scope", choices=OPTIONS["dedup_scope"],
                        default=OPTIONS["dedup_scope"][0],
                        help="unit of 就高不就低 (三(一)); default %(default)s")
    parser.add_argument("--milestone-jump", choices=OPTIONS["milestone_jump"],
                        default=OPTIONS["milestone_jump"][0],
                        help="several revenue thresholds first reached in one year; "
                        "default %(default)s")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is shown only when stderr is a terminal)")
    return parser


def keep_freed_memory() -> None:
    """Batches allocate and free the same large arrays again and again; keep freed memory in
    the process instead of returning it to the kernel and faulting it back in (glibc's
    malloc for NumPy; Polars' jemalloc is set by _RJEM_MALLOC_CONF above). Memory use is
    bounded by the batches in flight. Arrow's pool is mimalloc in the pyarrow we pin, which
    keeps what the output needs (never purging it, MIMALLOC_PURGE_DELAY=-1, measured no
    change); the jemalloc decay below counts only where jemalloc is Arrow's pool (older
    pyarrow, or ARROW_DEFAULT_MEMORY_POOL=jemalloc)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
        libc.mallopt(m_mmap_threshold, 32 << 20)
        libc.mallopt(m_trim_threshold, 1 << 30)
        libc.mallopt(m_top_pad, 64 << 20)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass
    with contextlib.suppress(NotImplementedError, pa.ArrowNotImplementedError, AttributeError):
        pa.jemalloc_set_decay_ms(10_000)


def unreadable(source: Path, exc: BaseException) -> str:
    """One line for a file Polars or pyarrow cannot read (or that breaks the schema)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text[:300] + ("…" if len(text) > 300 else "")
    return f"{source}: cannot be read: {text}; nothing was written."


def main(argv: Sequence[str] | None = None) -> int:
    ns = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    keep_freed_memory()
    try:
        as_of = dt.date.fromisoformat(ns.as_of) if ns.as_of else dt.date.today()
    except ValueError:
        print(f"--as-of: must be an ISO date YYYY-MM-DD, got {ns.as_of!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    options = Options(as_of, ns.dedup_scope, ns.milestone_jump)
    start = time.perf_counter()
    with collector_off():
        try:
            summary = run(ns.input, ns.output, options, progress=not ns.no_progress)
        except InputFileError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        except OSError as exc:
            print(f"{exc.filename or ns.input}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ScreenInputError as exc:
            print(f"{ns.input}: {exc.problems.count} problem(s); nothing was written.",
                  file=sys.stderr)
            for line in exc.lines():
                print(line, file=sys.stderr)
            return EXIT_BAD_INPUT
        except (pl.exceptions.PolarsError, pa.ArrowException) as exc:
            print(unreadable(ns.input, exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":  # (pyo3's: a Rust panic in Polars)
                raise
            print(unreadable(ns.input, exc), file=sys.stderr)
            return EXIT_BAD_INPUT
    print_summary(summary, options, time.perf_counter() - start, ns.output, sys.stdout)
    return 0


def run(source: Path, target: Path | None, options: Options, *, progress: bool = False,
        workers: int = WORKERS) -> Summary:
    """Decide `source` batch by batch into `target`; the summary, or ScreenInputError.

    Each of `workers` threads takes the next batch from the file (one read at a time) and
    decides it; NumPy, Polars and the Parquet reader release the GIL, so one thread reads
    while the other decides. The main thread writes the results in input order. The first
    batches are read while the main thread imports the kernel (warm_up)."""
    if not source.is_file() and not source.is_dir():
        raise InputFileError(f"{source}: no such file or directory")
    if target:
        check_output(target)  # before anything is read
    feed = _Feed(frames(source))
    bar = _progress(source, progress)
    output: Output | None = None
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            first = [pool.submit(feed.take) for _ in range(workers)]
            warm_up()  # while the first batches are read
            head = {"dedup_scope": options.dedup_scope, "milestone_jump": options.milestone_jump}
            output = Output(target, as_of=options.as_of, options=head) if target else None
            state = _Run(options, output)
            running = {pool.submit(state.take, feed, read) for read in first}
            done: dict[int, _Decided] = {}
            written = 0
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    decided = future.result()
                    if decided is not None:  # the thread takes the next batch
                        running.add(pool.submit(state.take, feed))
                        done[decided.index] = decided
                        state.split.add(decided.index, decided.seen)
                if not running:  # every batch is in: check for split applicants meanwhile
                    state.split.start(pool)
                while written in done:
                    state.collect(done.pop(written), bar)
                    written += 1
        state.split.report(state.problems)
        if state.problems:
            raise ScreenInputError(state.problems)
        if output:
            output.commit()
    finally:
        if bar is not None:
            bar.close()
        if output:
            output.__exit__(None, None, None)
    return state.summary


Input: TypeAlias = "pl.DataFrame | Tables"  # a batch as read (a normalised input's: Tables)
Taken = tuple[int, int, list[Input]]


class _Feed:
    """The batches of a file, taken one at a time by the deciding threads, numbered in
    file order."""

    def __init__(self, items: Iterator[tuple[int, Input]]):
        self.items, self.lock, self.taken, self.over = items, threading.Lock(), 0, False

    def take(self) -> Taken | None:
        """(number, first row, [frame]) or None once the file is read. The frame comes in a
        list that the taker empties: no other reference keeps it (see `io.frames`)."""
        with self.lock:
            if self.over:
                return None
            item = next(self.items, None)
            if item is None:
                self.over = True
                return None
            self.taken += 1
            return self.taken - 1, item[0], [item[1]]


@dataclass
class _Decided:
    index: int
    rows: int
    result: ScreenResult | ScreenInputError | None
    seen: _Seen


class _Run:
    """What the batches add up to: the summary, the problems, the applicants seen."""

    def __init__(self, options: Options, output: Output | None):
        from policyhub.screen.result import Summary

        self.options, self.output = options, output
        self.problems, self.summary = Problems(), Summary()
        self.split = _Split()
        self.refused = threading.Event()

    def take(self, feed: _Feed, read: Future[Taken | None] | None = None) -> _Decided | None:
        """Read the next batch (or take the one `read` read) and decide it (None once the
        file is read)."""
        item = read.result() if read is not None else feed.take()
        if item is None:
            return None
        index, first_row, held = item
        del item, read
        rows = held[0].height
        result, seen = self.decide(held, first_row)
        return _Decided(index, rows, result, seen)

    def decide(self, held: list[Input], first_row: int
               ) -> tuple[ScreenResult | ScreenInputError | None, _Seen]:
        """The batch's result (once refused, only its problems) and its applicants."""
        from policyhub.screen.encode import encode  # (imported by warm_up: no cost)
        from policyhub.screen.kernel import decide
        from policyhub.screen.result import build

        try:
            if self.refused.is_set():  # already refused: only look for more problems
                return None, _Seen.of(encode(held.pop(), first_row=first_row).app_ids)
            # screen_frame(frame) in three steps, so that nothing holds the frame (150 MB
            # or more) once it is encoded: `held` is the only reference left.
            batch = encode(held.pop(), first_row=first_row)
            result = build(batch, decide(batch, self.options))
            return result, _Seen.of(result.applicant_ids, result.applicant_hashes)
        except ScreenInputError as exc:
            self.refused.set()
            ids = exc.applicant_ids
            return exc, _Seen.of(ids if isinstance(ids, pl.Series) else None)

    def collect(self, decided: _Decided, bar: Any) -> None:
        """Add up and write one batch (in input order)."""
        result = decided.result
        if isinstance(result, ScreenInputError):
            self.problems.extend(result.problems)
        elif result is not None and not self.problems:
            self.summary = self.summary + result.summary
            if self.output:
                self.output.write(result)
        if bar is not None:
            bar.update(decided.rows)


class _Seen:
    """A batch's applicant ids and their sorted 64-bit hashes, computed in the deciding
    thread: comparing a million ids at the end took a fifth of a second after the last
    batch; integers checked batch by batch leave almost nothing to the end."""

    def __init__(self, ids: pl.Series, hashes: npt.NDArray[np.uint64]):
        self.ids, self.hashes = ids, hashes  # hashes sorted, not in the order of ids

    @classmethod
    def of(cls, ids: pl.Series | None, hashes: npt.NDArray[np.uint64] | None = None
           ) -> _Seen:
        if ids is None:
            return cls(pl.Series("applicant_id", [], pl.String), np.zeros(0, np.uint64))
        from policyhub.screen.encode import id_hashes

        strings = ids.cast(pl.String).rename("applicant_id")
        if hashes is None:  # encode sorts them; a refused batch may not have got that far
            hashes = np.unique(id_hashes(strings))  # (its own repeats are reported already)
        return cls(strings, hashes)


class _Split:
    """Applicants seen in more than one batch: their rows were split by other applicants'
    rows (within a batch, encode finds it). Each batch brings its hashes sorted; once the
    last batch is in, one merge of them all (timsort merges the sorted runs: 20 ms per million
    applicants, done while the last batches are written) finds equal hashes, which are then
    confirmed on the ids themselves. Merging each batch into a running sorted array instead
    cost the writing thread 0.1 s per million applicants (perf: merges, binary searches)."""

    def __init__(self) -> None:
        self.seen: dict[int, _Seen] = {}  # by batch number
        self.found: Future[npt.NDArray[np.uint64]] | None = None

    def add(self, index: int, seen: _Seen) -> None:
        self.seen[index] = seen

    def start(self, pool: ThreadPoolExecutor) -> None:
        self.found = pool.submit(self.twice)

    def twice(self) -> npt.NDArray[np.uint64]:
        """Hashes that occur in more than one batch (each batch's own are distinct)."""
        if len(self.seen) < 2:
            return np.zeros(0, np.uint64)
        runs = [self.seen[i].hashes for i in sorted(self.seen)]
        every = np.sort(np.concatenate(runs), kind="stable")  # merges the sorted runs
        found: npt.NDArray[np.uint64] = every[1:][every[1:] == every[:-1]]
        return found

    def report(self, problems: Problems) -> None:
        found = self.found.result() if self.found is not None else self.twice()
        if not len(found):
            return
        from policyhub.screen.encode import HASH_SEED

        twice = pl.Series(found)
        ids = pl.concat([self.seen[i].ids.filter(
            self.seen[i].ids.hash(seed=HASH_SEED).is_in(twice.implode()))
            for i in sorted(self.seen)])
        for value in ids.filter(ids.is_duplicated()).unique(maintain_order=True).to_list():
            problems.add("applicant_id", f"{value!r}: rows of one applicant must be "
                         "contiguous (sort the export by applicant_id, event_index)")


def warm_up() -> None:
    """What the first batch would otherwise do first, done while it is being read: import
    the engine, the kernel and the output schema, build the parameter tables, and import
    numpy.ma (which polars imports on its first NumPy conversion)."""
    import numpy.ma  # noqa: F401

    import policyhub.screen.encode
    import policyhub.screen.kernel
    import policyhub.screen.result  # noqa: F401
    from policyhub.screen.tables import tables

    tables()


def _progress(source: Path, wanted: bool) -> Any:
    if not wanted or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    total, unit = size_hint(source)
    return tqdm(total=total if unit == "rows" else None, unit=" rows", unit_scale=True,
                file=sys.stderr, desc="screening", leave=False)


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def print_summary(s: Summary, options: Options, seconds: float, target: Path | None,
                  out: TextIO) -> None:
    from policyhub.screen.schema import CLAUSES, REASONS, RULE_CLAUSE, RULES

    w = out.write
    w(f"policyhub screen — as_of {options.as_of.isoformat()}, dedup_scope="
      f"{options.dedup_scope}, milestone_jump={options.milestone_jump}\n")
    w(f"applicants: {s.applicants:,}   with granted awards: {s.with_awards:,}\n\n")
    w(f"{'rule':<28}{'clause':<8}{'granted':>12}{'amount (yuan)':>22}{'excluded':>11}"
      f"{'discretionary':>15}\n")
    for i, rule in enumerate(RULES):
        if s.granted[i] or s.excluded[i] or s.discretionary[i]:
            w(f"{rule:<28}{RULE_CLAUSE[i]:<8}{s.granted[i]:>12,}"
              f"{_yuan(int(s.granted_fen[i])):>22}{s.excluded[i]:>11,}"
              f"{s.discretionary[i]:>15,}\n")
    w(f"\n{'clause':<8}{'granted (yuan)':>22}\n")
    for clause in CLAUSES:
        fen = sum(int(s.granted_fen[i]) for i in range(len(RULES)) if RULE_CLAUSE[i] == clause)
        w(f"{clause:<8}{_yuan(fen):>22}\n")
    w(f"{'total':<8}{_yuan(s.total_fen):>22}\n\n")
    refused = ", ".join(f"{REASONS[i]} {n:,}" for i, n in enumerate(s.ineligible) if n)
    w(f"ineligible entries: {int(s.ineligible.sum()):,}" + (f" ({refused})" if refused else "")
      + "\n")
    where = f", written to {target}" if target else ""
    w(f"wall time: {seconds:.2f} s{where}\n")
