"""Registry imports end to end (issue 15): a yearly-figures file of 5,000 and of 100,000 rows
read, validated, stored and audited through the import job (imports.jobs.run_file, the web's
own service), on SQLite and, when DATABASE_URL is set, on PostgreSQL; and the largest file
again as an .xlsx workbook (BENCH_IMPORT_XLSX=0 leaves it out), as departments mostly send;
and the smallest file imported a second time (a corrected file: every figure replaced).

A child process (Django set up there) builds a throwaway database — SQLite at
build/bench/import.sqlite3, or a scratch PostgreSQL database — with ORGANISATIONS
organisations (bulk-created), writes the two CSV files (five years per organisation) and
imports each as an administrator. While the large file imports, a second process (its own
connection, as another web worker) reads the fund's ledger figures every READ_EVERY_S seconds
and records an audited action, and times each: other users' actions must stay quick (a
ledger read < 200 ms) because the import validates with no lock and writes in short
batches. BENCH_IMPORT_SIZES ("5000,100000") tunes the sizes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.core import BUILD, ROOT, Row, run_django_child

NAME = "bench_import"
SIZES = tuple(int(s) for s in os.environ.get("BENCH_IMPORT_SIZES", "5000,100000").split(","))
XLSX = os.environ.get("BENCH_IMPORT_XLSX", "1") != "0"  # the largest size as .xlsx too
TARGET_S = {5000: 3.0, 100_000: 60.0}  # issue 15
YEARS = 5
READ_EVERY_S = 0.05
READ_TARGET_MS = 200.0
DB = BUILD / "bench" / "import.sqlite3"
PG_DB = "policyhub_bench_import"


def run() -> list[Row]:
    out = rows(run_django_child("bench.bench_import", DB, NAME), "SQLite")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        env = {**os.environ, "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + PG_DB,
               "DJANGO_SETTINGS_MODULE": "policyhub.config.test_settings"}
        done = subprocess.run([sys.executable, "-m", "bench.bench_import", "--pg"], cwd=ROOT,
                              env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{NAME} (PostgreSQL) exited {done.returncode}: "
                               f"{done.stderr[-2000:]}")
        out += rows(json.loads(done.stdout.strip().splitlines()[-1]), "PostgreSQL")
    return out


def rows(results: list[dict[str, Any]], db: str) -> list[Row]:
    out: list[Row] = []
    for r in results:
        n = r["rows"]
        rows_of = f"{n:,} rows" + (" of .xlsx" if r.get("format") == ".xlsx" else "")
        if r.get("again"):
            rows_of += " imported again (every figure replaced)"
        out += [
            Row(NAME, f"{rows_of} end to end, {db} (read, validated, stored, audited)",
                r["total_s"], "s", TARGET_S.get(n)),
            Row(NAME, f"{rows_of}: read + validate, {db}", r["validate_s"], "s"),
            Row(NAME, f"{rows_of}: write + audit ({r['batches']} batches), {db}",
                r["write_s"], "s"),
            Row(NAME, f"{rows_of}: rows {'replaced' if r.get('again') else 'written'} ≠ "
                      f"rows in the file, {db}",
                abs((r["updated"] if r.get("again") else r["written"]) - n), "", 0.0),
        ]
        if r["reads"]:
            out += [
                Row(NAME, f"ledger read during the {n:,}-row import, max of {r['reads']}, "
                          f"{db}", r["read_max_ms"], "ms", READ_TARGET_MS, strict=True),
                Row(NAME, f"ledger read during the import, p95, {db}", r["read_p95_ms"], "ms"),
                Row(NAME, f"audited action during the import, max, {db}",
                    r["audit_max_ms"], "ms"),
            ]
    return out


# --- the child --------------------------------------------------------------------------------


def _child(pg: bool) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    creation = None
    if pg:
        creation = connection.creation
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        admin = _admin()
        codes = _organisations(max(SIZES) // YEARS)
        folder = BUILD / "bench" / "import-files"
        folder.mkdir(parents=True, exist_ok=True)
        results, paths = [], {}
        for i, size in enumerate(sorted(SIZES)):
            first_year = 2010 + i * YEARS  # each file new figures (inserts), years in range
            paths[size] = path = _figures_file(folder / f"figures-{size}.csv",
                                               codes[:size // YEARS], first_year)
            results.append(_import(path, size, admin, watch=size == max(SIZES)))
        # a department's corrected file: the same rows again, every figure replaced
        results.append({**_import(paths[min(SIZES)], min(SIZES), admin, watch=False),
                        "again": True})
        if XLSX:  # the same rows as a workbook, as departments mostly send them
            size, first_year = max(SIZES), 2010 + len(SIZES) * YEARS
            path = _figures_xlsx(folder / f"figures-{size}.xlsx", codes[:size // YEARS],
                                 first_year)
            results.append(_import(path, size, admin, watch=False))
        return results
    finally:
        if creation is not None:
            connection.close()
            creation.destroy_test_db(PG_DB, verbosity=0)


def _admin() -> Any:
    from django.contrib.auth.models import User

    from policyhub.accounts.models import Role, RoleAssignment

    user = User.objects.create(username="bench_import_admin")
    RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR)
    return user


def _organisations(n: int) -> list[str]:
    from policyhub.engine.creditcode import check_character
    from policyhub.registry.models import Organisation
    from policyhub.units.models import Unit

    park = Unit.objects.filter(kind=Unit.Kind.PARK).first()
    codes = []
    for i in range(n):
        first17 = f"91430100{i:09d}"
        codes.append(first17 + check_character(first17))
    Organisation.objects.bulk_create(
        [Organisation(credit_code=c, name=f"长沙导入基准{i}有限公司", park=park,
                      kind=Organisation.Kind.ENTERPRISE, district="岳麓区")
         for i, c in enumerate(codes)], batch_size=2000)
    return codes


def _figures_file(path: Path, codes: list[str], first_year: int) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(["统一社会信用代码", "年度", "主营业务收入", "纳税额", "研发投入", "从业人数"])
        for i, code in enumerate(codes):
            for year in range(first_year, first_year + YEARS):
                out.writerow([code, year, f"{1_000_000 + i * 37 + year}.50", f"{i * 3}.25",
                               f"{i * 5}", 20 + i % 300])
    return path


def _figures_xlsx(path: Path, codes: list[str], first_year: int) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("年度数据")
    sheet.append(["统一社会信用代码", "年度", "主营业务收入", "纳税额", "研发投入", "从业人数"])
    for i, code in enumerate(codes):
        for year in range(first_year, first_year + YEARS):
            # amounts as numbers, as Excel keeps them (the reader takes floats via str())
            sheet.append([code, year, 1_000_000 + i * 37 + year + 0.5, i * 3 + 0.25, i * 5,
                          20 + i % 300])
    book.save(path)
    return path


class _Phases:
    """The job's progress, timed: when validation ended, how many batches were written."""

    def __init__(self) -> None:
        self.validated_at = 0.0
        self.batches = 0
        self.rows = 0

    def read(self, rows: int) -> None:
        self.rows = rows

    def validated(self, rows: int) -> None:
        if rows == self.rows:
            self.validated_at = time.perf_counter()

    def wrote(self, rows: int, batches: int) -> None:
        self.batches = batches


def _import(path: Path, size: int, admin: Any, *, watch: bool) -> dict[str, Any]:
    from policyhub.imports import jobs, kinds

    class Phases(_Phases, kinds.Progress):
        pass

    kind = kinds.get("registry.figures")
    assert kind is not None
    phases = Phases()
    watcher = _Watcher() if watch else None
    if watcher is not None:
        watcher.start()
    started = time.perf_counter()
    job = jobs.run_file(kind, path, admin, phases)
    ended = time.perf_counter()
    if watcher is not None:
        watcher.stop()
    if job.state != "done":
        raise RuntimeError(f"import of {size} rows ended {job.state}: {job.message}")
    reads = watcher.reads if watcher else []
    audits = watcher.audits if watcher else []
    return {"rows": size, "format": path.suffix, "total_s": ended - started,
            "validate_s": phases.validated_at - started, "write_s": ended - phases.validated_at,
            "batches": phases.batches, "written": job.rows_written, "updated": job.updated,
            "reads": len(reads),
            "read_max_ms": max(reads, default=0.0), "read_p95_ms": _p95(reads),
            "audit_max_ms": max(audits, default=0.0)}


class _Watcher:
    """Another user in another process (as another web worker would be), all along the
    import: a ledger read and an audited action, timed. Forked before the import starts, with
    no database connection open, so each process has its own."""

    def __init__(self) -> None:
        import multiprocessing

        self.ctx = multiprocessing.get_context("fork")
        self.done = self.ctx.Event()
        self.out = self.ctx.Queue()
        self.reads: list[float] = []
        self.audits: list[float] = []

    def start(self) -> None:
        from django.db import connections

        connections.close_all()
        self.process = self.ctx.Process(target=self._run, daemon=True)
        self.process.start()

    def _run(self) -> None:
        from django.db import connection

        from policyhub.audit.services import record
        from policyhub.ledger.params import fund
        from policyhub.ledger.services import figures

        year, reads, audits = fund().first_year, [], []
        try:
            while not self.done.is_set():
                started = time.perf_counter()
                figures(year)
                reads.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                record(None, "bench.during_import")
                audits.append((time.perf_counter() - started) * 1000)
                time.sleep(READ_EVERY_S)
        finally:
            connection.close()
            self.out.put((reads, audits))

    def stop(self) -> None:
        self.done.set()
        self.reads, self.audits = self.out.get(timeout=120)
        self.process.join(30)


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[18]


if __name__ == "__main__":
    print(json.dumps(_child("--pg" in sys.argv)))
