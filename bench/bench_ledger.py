"""Concurrent approvals on PostgreSQL: ledger.commit() from N threads at once, zero overspend.

scripts/ensure-postgres starts the server; a child process (Django set up there, not in the
harness) creates a scratch database test_policyhub_bench, funds one budget year so that it
takes exactly FITS of the ATTEMPTS approvals, runs them from BENCH_LEDGER_THREADS threads
(each with its own connection), then checks the books: exactly FITS approved, nothing
available, every invariant of `manage.py ledger_check` holding. BENCH_LEDGER_ATTEMPTS and
BENCH_LEDGER_THREADS tune it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from typing import Any

from bench.core import ROOT, Row

NAME = "bench_ledger"
THREADS = int(os.environ.get("BENCH_LEDGER_THREADS", "16"))
ATTEMPTS = int(os.environ.get("BENCH_LEDGER_ATTEMPTS", "2000"))
FITS = ATTEMPTS * 3 // 4  # the rest must be refused with InsufficientFunds
AMOUNT = Decimal("1000.00")
BENCH_DB = "policyhub_bench"


def run() -> list[Row]:
    url = subprocess.run([str(ROOT / "scripts" / "ensure-postgres")], check=True,
                         capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + BENCH_DB,
           "DJANGO_SETTINGS_MODULE": "policyhub.config.settings"}
    done = subprocess.run([sys.executable, "-m", "bench.bench_ledger"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench_ledger child exited {done.returncode}: {done.stderr[-2000:]}")
    return _rows(json.loads(done.stdout.strip().splitlines()[-1]))


def _rows(r: dict[str, Any]) -> list[Row]:
    setup = f"{r['threads']} threads, {r['attempts']:,} attempts, PostgreSQL"
    return [
        Row(NAME, f"approvals/s ({setup})", r["approved"] / r["seconds"], "/s", better="higher"),
        Row(NAME, "attempts/s (approved + refused)", r["attempts"] / r["seconds"], "/s",
            better="higher"),
        Row(NAME, "commit latency p50", r["p50_ms"], "ms"),
        Row(NAME, "commit latency p99", r["p99_ms"], "ms"),
        Row(NAME, "overspend (committed beyond the pool)", r["overspend"], "yuan", 0.0),
        Row(NAME, f"approvals ≠ what the pool takes ({r['fits']:,})",
            abs(r["approved"] - r["fits"]), "", 0.0),
        Row(NAME, "broken ledger invariants", r["problems"], "", 0.0),
        Row(NAME, "unexpected errors", r["errors"], "", 0.0),
    ]


def _child() -> dict[str, Any]:
    """Runs with Django configured for the bench database (see run())."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from policyhub.ledger.services import figures

        actor = User.objects.create(username="bench_bureau_officer")
        _fund(actor)
        result = _approve_concurrently(actor)
        from policyhub.ledger.checks import problems

        year = _year()
        committed = figures(year).committed
        result.update(overspend=float(max(committed - AMOUNT * FITS, Decimal(0))),
                      problems=len(problems()), available=str(figures(year).available))
        return result
    finally:
        connection.close()
        creation.destroy_test_db(BENCH_DB, verbosity=0)


def _year() -> int:
    from policyhub.ledger.params import fund

    return fund().first_year


def _fund(actor: Any) -> None:
    from policyhub.ledger.services import contribute

    half = AMOUNT * FITS / 2
    contribute("zone", _year(), half, actor, reference="bench 高新区配套")
    contribute("city", _year(), half, actor, reference="bench 市本级")


def _approve_concurrently(actor: Any) -> dict[str, Any]:
    from django.db import connection

    from policyhub.ledger.errors import InsufficientFunds
    from policyhub.ledger.services import commit

    counter = iter(range(ATTEMPTS))
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"approved": 0, "refused": 0, "errors": 0}
    barrier = threading.Barrier(THREADS + 1)

    def worker() -> None:
        barrier.wait()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            start = time.perf_counter()
            try:
                commit(f"bench-{i}", _year(), AMOUNT, actor, clause="政策/二/(四)",
                       department=None, district="岳麓区", payee=f"bench payee {i}")
                key = "approved"
            except InsufficientFunds:
                key = "refused"
            except Exception:  # counted and reported: the row "unexpected errors" must be 0
                key = "errors"
            with lock:
                outcome[key] += 1
                latencies.append(time.perf_counter() - start)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return {**outcome, "seconds": seconds, "threads": THREADS, "attempts": ATTEMPTS,
            "fits": FITS, "p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000}


if __name__ == "__main__":
    print(json.dumps(_child()))
