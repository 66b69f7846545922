"""Load on `POST /api/v1/evaluate`: production gunicorn on loopback, driven by wrk.

gunicorn runs with src/policyhub/config/gunicorn.conf.py (workers = cores unless
POLICYHUB_WORKERS says otherwise; POLICYHUB_WORKER_CLASS and POLICYHUB_THREADS are passed
through), so the figures are those of `make serve`. wrk sends the contract examples' request
bodies in turn. BENCH_DURATION (seconds), BENCH_CONNECTIONS and BENCH_WRK_THREADS tune it.
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.core import BUILD, ROOT, Row, request_files

NAME = "api_load"
PATH = "/api/v1/evaluate"
GUNICORN_CONF = ROOT / "src" / "policyhub" / "config" / "gunicorn.conf.py"
LUA = Path(__file__).with_name("wrk_evaluate.lua")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))
TARGET_RATE = 1500.0  # decisions/s
TARGET_P99_MS = 50.0
READY_SECONDS = 60.0


def run() -> list[Row]:
    subprocess.run([str(ROOT / "scripts" / "ensure-debian-packages"), "wrk"], check=True)
    bodies = request_files(BUILD / "bench" / "requests")
    with gunicorn() as (base_url, pid):
        for body in bodies:
            _check_decision(base_url + PATH, body)
        cpu_before = _tree_cpu_seconds(pid)
        result = _wrk(base_url + PATH, bodies)
        result["server_cpu_s"] = _tree_cpu_seconds(pid) - cpu_before
    return _rows(result)


def _rows(r: dict[str, Any]) -> list[Row]:
    seconds = r["duration_us"] / 1e6
    good = r["requests"] - r["status"]
    workers = os.environ.get("POLICYHUB_WORKERS") or str(os.cpu_count())
    worker_class = os.environ.get("POLICYHUB_WORKER_CLASS", "sync")
    setup = f"{worker_class}×{workers}, {CONNECTIONS} conn, {seconds:.0f} s"
    cpu_ms = 1000 * r["server_cpu_s"] / max(r["requests"], 1)
    capacity = (os.cpu_count() or 1) * 1000 / cpu_ms if cpu_ms else math.nan
    socket_errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
    return [
        Row(NAME, f"decisions/s ({setup})", good / seconds, "/s", TARGET_RATE, "higher"),
        Row(NAME, "latency p50", r["p50_us"] / 1000, "ms"),
        Row(NAME, "latency p99", r["p99_us"] / 1000, "ms", TARGET_P99_MS, strict=True),
        Row(NAME, "latency max", r["max_us"] / 1000, "ms"),
        # CPU per decision does not depend on what else the machine is doing: it is the
        # figure to compare configurations on a shared machine.
        Row(NAME, "server CPU per decision", cpu_ms, "ms"),
        Row(NAME, f"capacity of {os.cpu_count()} cores at that CPU", capacity, "/s"),
        Row(NAME, f"non-2xx responses (of {r['requests']:,})", r["status"], "", 0.0),
        Row(NAME, "socket errors", socket_errors, "", 0.0),
    ]


@contextmanager
def gunicorn() -> Iterator[tuple[str, int]]:
    """A production gunicorn on a free loopback port; yields its base URL and its pid."""
    port = _free_port()
    log_path = BUILD / "bench" / "gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    command += ["--bind", f"127.0.0.1:{port}"]
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_ready(server, base_url, log_path)
            yield base_url, server.pid
        finally:
            _stop(server)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(server: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn not ready after {READY_SECONDS:.0f} s; see {log_path}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (gunicorn's master and workers)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        # fields[0] is the state (field 3 of proc(5)): ppid is field 4, utime/stime 14/15.
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _check_decision(url: str, body: Path) -> None:
    """Before the load: each body must give a real decision, or the rate means nothing."""
    request = urllib.request.Request(
        url, data=body.read_bytes(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        decision = json.load(response)
    if decision.get("contract") != "policyhub.evaluate/1":
        raise RuntimeError(f"{body.name}: not a decision: {decision}")


def _wrk(url: str, bodies: list[Path]) -> dict[str, Any]:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency"]
    command += ["-s", str(LUA), url, "--", *map(str, bodies)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    (BUILD / "bench" / "wrk.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
            return result
    raise RuntimeError(f"wrk printed no BENCH line:\n{done.stdout}\n{done.stderr}")
