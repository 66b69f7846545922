"""A database error that escapes the lock order (deadlock victim, serialization failure) is
retried as a whole transaction a bounded number of times, then answered 409 — never a 500.
The errors are injected; real ones are provoked in test_concurrency.py (PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import OperationalError, transaction
from django.test import Client

from policyhub.applications import competition, concurrency
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import draft, move
from tests.personas import personas

# Committed transactions: a retry is only possible outside a caller's transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class _Deadlock(Exception):
    sqlstate = "40P01"  # what psycopg reports for deadlock_detected


def _failing(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """competition.blocking (read under the locks on submit) fails `times` times first."""
    calls: list[int] = []
    real = competition.blocking

    def blocking(app: Application, *, approving: bool) -> Application | None:
        calls.append(1)
        if len(calls) <= times:
            err = OperationalError("deadlock detected")
            err.__cause__ = _Deadlock()
            raise err
        return real(app, approving=approving)

    monkeypatch.setattr(competition, "blocking", blocking)
    monkeypatch.setattr(concurrency.time, "sleep", lambda s: None)
    return calls


def test_a_deadlock_victim_is_retried_whole_and_succeeds(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    p = personas()
    app = draft(p)
    calls = _failing(monkeypatch, times=2)
    app = move(app, "submit", p.applicant)
    assert app.state == "submitted" and len(calls) == 3
    # The two undone attempts left nothing behind: one history row, one audit entry.
    assert [r.name for r in app.history.all()] == ["create", "submit"]
    assert AuditEntry.objects.filter(action="applications.submit").count() == 1


def test_after_the_last_attempt_it_answers_409_not_500(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    p = personas()
    app = draft(p)
    calls = _failing(monkeypatch, times=99)
    c = Client()
    c.force_login(p.applicant)
    response = c.post(f"/api/v1/applications/{app.pk}/transitions",
                      json.dumps({"transition": "submit"}), content_type="application/json")
    assert response.status_code == 409 and "请稍后重试" in response.json()["detail"]
    assert len(calls) == concurrency.ATTEMPTS
    app.refresh_from_db()
    assert app.state == "draft"
    refusal = AuditEntry.objects.get(action="applications.submit")
    assert refusal.allowed is False  # the refusal is audited


def test_inside_a_callers_transaction_it_answers_at_once(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    p = personas()
    app = draft(p)
    calls = _failing(monkeypatch, times=1)
    with transaction.atomic(), pytest.raises(Refused) as refused:
        move(app, "submit", p.applicant)
    assert refused.value.conflict and refused.value.status == 409 and len(calls) == 1


def test_other_database_errors_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    p = personas()
    app = draft(p)
    calls: list[int] = []

    def broken(app: Application, *, approving: bool) -> Any:
        calls.append(1)
        raise OperationalError("no such column")

    monkeypatch.setattr(competition, "blocking", broken)
    with pytest.raises(OperationalError):
        move(app, "submit", p.applicant)
    assert len(calls) == 1
