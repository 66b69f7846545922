"""Overlapping 免申即享 screening runs (issue 20 item 3): serialised, the second says it
waited or was skipped, and every run leaves its summary audit entry, even one stopped by an
error."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from policyhub import locks
from policyhub.applications import screening
from policyhub.applications.models import Proposal
from policyhub.applications.screening import Summary, screen
from policyhub.audit.models import AuditEntry
from policyhub.audit.services import verify
from policyhub.registry.models import RegistryEvent
from tests.personas import Personas, organisation, personas

AS_OF = dt.date(2021, 6, 7)


def _standards(p: Personas, n: int) -> None:
    orgs = [p.org, *(organisation(f"长沙筛查并发{i}有限公司") for i in range(n - 1))]
    for i, org in enumerate(orgs):
        RegistryEvent.objects.create(organisation=org, type="standard_led",
                                     date=dt.date(2020, 5, 10), matter=f"std-{i}",
                                     payload={"level": "local"})


@contextmanager
def _held_elsewhere(name: str) -> Iterator[None]:
    """The lock held by another thread (another connection, as another process would)."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with locks.exclusive(name):
                taken.set()
                release.wait(60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        release.set()
        holder.join(30)


@pytest.mark.django_db
def test_a_run_started_while_another_runs_is_skipped_when_asked_and_says_so() -> None:
    _standards(personas(), 1)
    with _held_elsewhere("screening"):  # another run in progress
        skipped = screen(AS_OF, wait=False)
    assert skipped.skipped and "skipped" in skipped.line()
    assert not Proposal.objects.exists()
    entry = AuditEntry.objects.get(action="applications.screening")
    assert entry.payload["skipped"] is True
    out = io.StringIO()
    call_command("screen_proposals", "--as-of", "2021-06-07", "--skip-if-running", stdout=out)
    assert "1 proposals created" in out.getvalue()  # nobody else running now


@pytest.mark.django_db
def test_the_summary_entry_is_written_when_a_run_stops_on_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _standards(personas(), 3)
    calls = {"n": 0}
    real = screening._screen_one

    def failing(*args: Any) -> tuple[int, int]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return real(*args)

    monkeypatch.setattr(screening, "_screen_one", failing)
    with pytest.raises(RuntimeError):
        screen(AS_OF)
    entry = AuditEntry.objects.get(action="applications.screening")
    assert entry.payload["stopped_by"] == "RuntimeError: the database went away"
    assert entry.payload["created"] == 1 and entry.payload["organisations"] == 2


@pytest.mark.django_db
def test_the_file_lock_serialises_two_holders() -> None:
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with locks.exclusive("t-serial"):
            first_in.set()
            order.append("first in")
            threading.Event().wait(0.5)
            order.append("first out")

    held: list[locks.Held] = []

    def second() -> None:
        first_in.wait(10)
        with locks.exclusive("t-serial") as h:
            held.append(h)
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert order == ["first in", "first out", "second in"]
    assert held[0].contended and held[0].waited >= 0.3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="threads need their own connections: PostgreSQL")
def test_two_runs_at_once_create_each_proposal_once_and_the_second_waited() -> None:
    _standards(personas(), 30)
    out: list[Summary | BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            out.append(screen(AS_OF))
        except BaseException as exc:  # the test asserts there is none
            out.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    summaries = [s for s in out if isinstance(s, Summary)]
    assert len(summaries) == 2, out
    assert sorted(s.created for s in summaries) == [0, 30]
    assert sum(1 for s in summaries if s.waited > 0) == 1
    assert Proposal.objects.count() == 30
    assert AuditEntry.objects.filter(action="applications.screening").count() == 2
    assert verify().ok
