"""Hostile input: `policyhub screen` on a few hundred mutated valid inputs (bytes flipped,
files cut short, Parquet page headers and footers changed; wide files and the tables of a
normalised directory) ends with exit status 0 or 2 — never a signal, a hang or a traceback —
and leaves no temporary file.

The mutants run in one driver process (NumPy, Polars and the engine imported once), which
forks a child per mutant; the child runs the command as its console script does, under
screen/guard.py (which forks again: the process that reads the file is the one an abort in
Polars or pyarrow may kill). The driver kills a child that takes longer than HANG seconds.
The seed is fixed, so a failure repeats.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from policyhub.screen import synth

SEED = 20261207
HANG = 20.0  # seconds: a mutant of 40 applicants is decided in well under one
MUTANTS = {"wide": 160, "csv": 40, "normalised": 100}

DRIVER = textwrap.dedent("""
    import json, os, resource, signal, sys, time
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from policyhub.screen.cli import main, warm_up
    from policyhub.screen.guard import supervised
    warm_up()  # (no Polars query has run in this process: forking it is safe)
    cases, hang = json.loads(sys.argv[1]), float(sys.argv[2])
    out = []
    for source, target in cases:
        argv = [source, "-o", target, "--as-of", "2021-06-30", "--no-progress"]
        err = target + ".err"
        pid = os.fork()
        if pid == 0:
            fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            limit = 4 << 30  # (a shared machine: a runaway mutant fails, it does not swap)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            os._exit(supervised(argv, lambda: main(argv)))
        start = time.monotonic()
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > hang:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                status = None
                break
            time.sleep(0.005)
        if status is None:
            out.append([source, "hang", ""])
        elif os.WIFSIGNALED(status):
            out.append([source, "signal %d" % os.WTERMSIG(status), ""])
        else:
            out.append([source, os.waitstatus_to_exitcode(status), open(err).read()])
    print(json.dumps(out))
""")


def _mutate(data: bytes, rng: random.Random, pages: list[int]) -> bytes:
    """One of: a few random bytes changed, the file cut short, a page header's bytes
    changed (the Thrift header at a column chunk's first page), the footer changed."""
    out = bytearray(data)
    how = rng.choice(("flip", "flip", "truncate", "page", "page", "footer"))
    if how == "truncate":
        return bytes(out[: rng.randrange(len(out))])
    if how == "page" and pages:
        at = rng.choice(pages)
        for _ in range(rng.randint(1, 4)):
            i = min(len(out) - 1, at + rng.randrange(24))
            out[i] = rng.choice((0x00, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        return bytes(out)
    if how == "footer":
        for _ in range(rng.randint(1, 3)):
            i = len(out) - 1 - rng.randrange(min(len(out), 600))
            out[i] = rng.randrange(256)
        return bytes(out)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _pages(path: Path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    found = []
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            chunk = meta.row_group(g).column(c)
            found.append(chunk.data_page_offset)
            if chunk.dictionary_page_offset:
                found.append(chunk.dictionary_page_offset)
    return found


@pytest.mark.slow
def test_mutated_inputs_end_with_exit_0_or_2_and_leave_no_temporary_file(
        tmp_path: Path) -> None:
    rng = random.Random(SEED)
    valid = tmp_path / "valid"
    valid.mkdir()
    wide = valid / "wide.parquet"
    synth.write(wide, 40, seed=3)
    csv = valid / "wide.csv"
    synth.frame(40, seed=3).write_csv(csv)
    directory = valid / "normalised"
    synth.write_normalised(directory, 40, seed=3)
    cases: list[tuple[str, str]] = []
    out = tmp_path / "out"
    out.mkdir()
    for i in range(MUTANTS["wide"]):
        mutant = tmp_path / f"m{i}.parquet"
        mutant.write_bytes(_mutate(wide.read_bytes(), rng, _pages(wide)))
        cases.append((str(mutant), str(out / f"m{i}.parquet")))
    for i in range(MUTANTS["csv"]):
        mutant = tmp_path / f"c{i}.csv"
        mutant.write_bytes(_mutate(csv.read_bytes(), rng, []))
        cases.append((str(mutant), str(out / f"c{i}.csv")))
    tables = sorted(directory.iterdir())
    for i in range(MUTANTS["normalised"]):
        mutant = tmp_path / f"n{i}"
        mutant.mkdir()
        chosen = rng.choice(tables)
        for table in tables:
            data = table.read_bytes()
            (mutant / table.name).write_bytes(
                _mutate(data, rng, _pages(table)) if table == chosen else data)
        cases.append((str(mutant), str(out / f"n{i}.parquet")))
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(cases), str(HANG)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.splitlines()[-1])
    assert len(results) == len(cases)
    wrong = [(source, code) for source, code, _ in results if code not in (0, 2)]
    assert wrong == []
    tracebacks = [(source, err) for source, code, err in results if "Traceback" in err]
    assert tracebacks == []
    refused = [err for _, code, err in results if code == 2]
    assert all(err.strip() for err in refused)  # every refusal says why
    assert len(refused) > len(cases) // 4  # (the mutants do break files)
    written = {p.name for p in out.iterdir() if not p.name.endswith(".err")}
    assert not [n for n in written if n.startswith(".")], "a temporary file survived"
