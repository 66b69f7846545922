"""Sixteen people at once against the server `make run` starts (issue 20 item 4): no 5xx.

The server is started as `make run` starts it — `migrate`, `load_demo --if-empty`, then
Django's runserver with POLICYHUB_DEBUG=1 — on a free loopback port, with a fresh SQLite file
(or, when DATABASE_URL names PostgreSQL, a fresh database created beside it and dropped
after). `--noreload` is the one difference: the autoreloader's file polling would only cost
CPU. Sixteen clients, each a demo persona with its own session, then work for LOAD_SECONDS
(default 20): applicants confirm 免申即享 proposals, park officers accept, department reviewers
review, the bureau final-reviews and approves, finance pays (two of each racing for the same
applications), two officers import 300-row figure files through the import page, and four
read pages and the API. Refusals (403/422) are expected — the pipeline runs dry and racers
lose — but no request may end in a 5xx, a dropped connection or a timeout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.test.client import encode_multipart

from policyhub.config.env import POSTGRES_SCHEMES

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
PASSWORD = "policyhub-demo"
READY_SECONDS = 180.0
REQUEST_TIMEOUT = 60.0
IMPORT_ROWS = 300
BOUNDARY = "PolicyHubLoadTestBoundary"

pytestmark = [pytest.mark.slow, pytest.mark.own_database]


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _database(tmp: Path) -> Iterator[dict[str, str]]:
    """The environment naming a fresh database: PostgreSQL beside DATABASE_URL's, else an
    SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in POSTGRES_SCHEMES:
        yield {"POLICYHUB_DB": str(tmp / "db.sqlite3"), "DATABASE_URL": ""}
        return
    import psycopg

    name = f"policyhub_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    try:
        yield {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def make_run_server(tmp: Path) -> Iterator[str]:
    """What `make run` does, on a free port; yields the base URL."""
    port = _free_port()
    with _database(tmp) as db:
        env = {**os.environ, **db, "POLICYHUB_DEBUG": "1", "POLICYHUB_HOME": str(ROOT)}
        manage = [sys.executable, str(ROOT / "manage.py")]
        for step in (["migrate", "--no-input"], ["load_demo", "--if-empty"]):
            subprocess.run(manage + step, cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL, timeout=600)
        log = (tmp / "server.log").open("wb")
        server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(server, base)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()


def _wait_ready(server: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "runserver exited"
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError("runserver did not answer")


# --- one person ------------------------------------------------------------------------------


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx, dropped connections, timeouts
    latencies: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, seconds: float, what: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.by_kind[f"{kind} {status}"] += 1
            self.latencies.setdefault(kind, []).append(seconds)
            if status >= 500 or status == 0:
                self.failures.append(f"{status} {what}")


class Person:
    def __init__(self, base: str, username: str, tally: Tally) -> None:
        self.base, self.username, self.tally = base, username, tally
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def call(self, method: str, path: str, *, kind: str = "read", body: bytes | None = None,
             content_type: str = "application/json") -> tuple[int, bytes]:
        headers = {"X-CSRFToken": self._csrf(), "Referer": self.base + path}
        if body is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, data = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:  # dropped, refused, timed out
            status, data = 0, str(exc).encode()
        self.tally.add(kind, status, time.monotonic() - started,
                       f"{method} {path} as {self.username}: {data[:300]!r}")
        return status, data

    def login(self) -> None:
        self.call("GET", "/accounts/login/")
        form = urlencode({"username": self.username, "password": PASSWORD,
                          "csrfmiddlewaretoken": self._csrf()}).encode()
        status, _ = self.call("POST", "/accounts/login/", body=form,
                              content_type="application/x-www-form-urlencoded")
        assert status == 200 and any(c.name == "sessionid" for c in self.jar), self.username

    def api(self, method: str, path: str, payload: Any = None, kind: str = "read") -> Any:
        body = json.dumps(payload).encode() if payload is not None else None
        status, data = self.call(method, "/api/v1" + path, kind=kind, body=body)
        return json.loads(data) if status == 200 and data else None

    def move(self, state: str, transition: str) -> None:
        page = self.api("GET", f"/applications/?state={state}&page_size=50")
        items = page["items"] if page else []
        if not items:
            self.read()
            return
        app = random.choice(items)
        self.api("POST", f"/applications/{app['id']}/transitions",
                 {"transition": transition}, kind="write")

    def confirm(self) -> None:
        proposals = self.api("GET", "/applications/proposals") or []
        if not proposals:
            self.read()
            return
        self.api("POST", f"/applications/proposals/{random.choice(proposals)['id']}/confirm",
                 kind="write")

    def pay_or_approve(self) -> None:
        self.move("notice", "approve") if random.random() < 0.5 else \
            self.move("reviewed", "final_review")

    def import_figures(self, codes: list[str]) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["统一社会信用代码", "年度", "主营业务收入", "从业人数"])
        year = random.randint(2023, 2040)
        for code in random.sample(codes, min(IMPORT_ROWS, len(codes))):
            writer.writerow([code, year, f"{random.randint(1, 10**9)}.50",
                             random.randint(1, 500)])
        self.call("GET", "/registry/import/")
        upload = io.BytesIO(out.getvalue().encode("utf-8-sig"))
        upload.name = "figures.csv"
        body = encode_multipart(BOUNDARY, {"kind": "figures", "file": upload,
                                           "csrfmiddlewaretoken": self._csrf()})
        self.call("POST", "/registry/import/", kind="import", body=body,
                  content_type=f"multipart/form-data; boundary={BOUNDARY}")

    def read(self) -> None:
        path = random.choice(["/registry/", "/applications/", "/ledger/", "/dashboard/",
                              "/api/v1/applications/?page_size=20",
                              "/api/v1/ledger/balances", "/plan/"])
        self.call("GET", path)


def _codes(person: Person) -> list[str]:
    orgs = person.api("GET", "/registry/organisations") or []
    return [o["credit_code"] for o in orgs]


def _plan(codes: list[str]) -> list[tuple[str, Callable[[Person], None]]]:
    def moving(state: str, transition: str) -> Callable[[Person], None]:
        return lambda p: p.move(state, transition)

    importing: Callable[[Person], None] = lambda p: p.import_figures(codes)  # noqa: E731
    return [
        ("applicant", Person.confirm), ("applicant2", Person.confirm),
        ("park_officer", moving("submitted", "accept")),
        ("park_officer_ceda", moving("submitted", "accept")),
        ("department_reviewer", moving("accepted", "review")),
        ("department_reviewer", moving("accepted", "review")),
        ("bureau_officer", Person.pay_or_approve), ("bureau_officer", Person.pay_or_approve),
        ("finance_officer", moving("approved", "pay")),
        ("finance_officer", moving("approved", "pay")),
        ("bureau_officer", importing), ("admin", importing),
        ("auditor", Person.read), ("applicant3", Person.read),
        ("department_reviewer_science", Person.read), ("applicant4", Person.read),
    ]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def test_sixteen_clients_for_a_bounded_time_get_no_5xx(tmp_path: Path) -> None:
    with make_run_server(tmp_path) as base:
        tally = Tally()
        admin = Person(base, "admin", tally)
        admin.login()
        codes = _codes(admin)
        assert len(codes) >= IMPORT_ROWS
        people = [(Person(base, name, tally), work) for name, work in _plan(codes)]
        for person, _ in people:
            person.login()
        deadline = time.monotonic() + SECONDS
        start = threading.Barrier(len(people))

        def loop(person: Person, work: Callable[[Person], None]) -> None:
            start.wait()
            while time.monotonic() < deadline:
                work(person)

        threads = [threading.Thread(target=loop, args=pair) for pair in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join(SECONDS + 4 * REQUEST_TIMEOUT)
    summary = {kind: (len(v), round(_percentile(v, 0.95), 2), round(max(v), 2))
               for kind, v in tally.latencies.items()}
    print(f"\n16 clients, {SECONDS:.0f} s: statuses {dict(tally.by_kind)}; "
          f"(requests, p95 s, max s) by kind {summary}; failures {tally.failures[:5]}")
    assert tally.failures == []
    assert tally.statuses[200] > 100 and summary["import"][0] >= 2
    assert not any(t.is_alive() for t in threads)
