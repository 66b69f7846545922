"""Named locks that serialise whole runs across processes (a screening run, say), which no
single transaction covers: on PostgreSQL a session advisory lock, on SQLite an exclusive
flock on a file beside the database (SQLite serves one machine, so a file lock reaches every
process that can open the database).

`exclusive(name)` tries the lock first; when another run holds it, it waits (or, with
wait=False, gives up) and says so in the `Held` it yields, so the caller can report that it
waited or was skipped.
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.db import OperationalError, connection


@dataclass
class Held:
    acquired: bool  # False: another run held it and wait=False
    contended: bool = False  # another run held it when we asked
    waited: float = 0.0  # seconds spent waiting for it


@contextmanager
def exclusive(name: str, *, wait: bool = True) -> Iterator[Held]:
    if connection.vendor == "postgresql":
        with _advisory(name, wait) as held:
            yield held
    else:
        with _file_lock(name, wait) as held:
            yield held


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def _advisory(name: str, wait: bool) -> Iterator[Held]:
    key, started = _key(name), time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = bool(cursor.fetchone()[0])
        if not got and not wait:
            yield Held(acquired=False, contended=True)
            return
        if not got:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield Held(True, contended=not got, waited=time.monotonic() - started)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _lock_path(name: str) -> Path:
    db = str(connection.settings_dict["NAME"])
    if db.startswith("file:") or db == ":memory:" or "mode=memory" in db:
        # an in-memory database (tests): one process, so a private temporary file will do
        digest = hashlib.sha256(db.encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"policyhub-{digest}-{name}.lock"
    return Path(db).with_name(f"{Path(db).name}.{name}.lock")


@contextmanager
def _file_lock(name: str, wait: bool) -> Iterator[Held]:
    started = time.monotonic()
    with _lock_path(name).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = True
        except BlockingIOError:
            got = False
        if not got and not wait:
            yield Held(acquired=False, contended=True)
            return
        if not got:
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield Held(True, contended=not got, waited=time.monotonic() - started)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


T = TypeVar("T")
BUSY_RETRIES = 100


def retry_while_busy(step: Callable[[], T]) -> T:
    """`step`, tried again while SQLite says the database is busy (a page reading a job's
    progress at that moment); each step is its own short transaction, so a retry repeats
    nothing. Used by the background jobs (web.screening_jobs, imports.jobs)."""
    for attempt in range(BUSY_RETRIES):
        try:
            return step()
        except OperationalError:
            if attempt == BUSY_RETRIES - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")
