"""GET /api/v1/ledger/…: readable by finance, bureau, auditor, admin; other signed-in users
403 with the reason (audited); anonymous callers 401 (not audited)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from policyhub.audit.models import AuditEntry
from policyhub.ledger.services import pay
from tests.ledger.helpers import YEAR, approve, fund_year
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"
PATHS = ["/reports/year", "/reports/clause", "/reports/department", "/reports/district",
         "/balances", f"/years/{YEAR}"]


@pytest.fixture
def people() -> Personas:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    pay("A-1", Decimal("100.00"), p.finance, idempotency_key="k")
    return p


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["finance", "bureau_officer", "auditor", "admin"])
@pytest.mark.parametrize("path", PATHS)
def test_readers_get_the_reports(people: Personas, who: str, path: str) -> None:
    response = _client(getattr(people, who)).get(BASE + path)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("who", ["outsider", "applicant", "park_officer", "reviewer"])
def test_anyone_else_gets_403_with_the_reason_and_is_audited(people: Personas,
                                                            who: str) -> None:
    response = _client(getattr(people, who)).get(BASE + "/reports/year")
    assert response.status_code == 403
    reason = response.json()["detail"]
    assert "专项资金台账" in reason
    refusal = AuditEntry.objects.filter(action="ledger.read").latest("seq")
    assert refusal.allowed is False and refusal.reason == reason


@pytest.mark.parametrize("path", PATHS)
def test_an_anonymous_caller_gets_401_and_writes_no_audit_row(people: Personas,
                                                              path: str) -> None:
    """Issue 16: each anonymous GET used to add an audit row under the head lock."""
    before = AuditEntry.objects.count()
    response = Client().get(BASE + path)
    assert response.status_code == 401
    assert AuditEntry.objects.count() == before


def test_a_reader_reading_writes_no_audit_row(people: Personas) -> None:
    before = AuditEntry.objects.count()
    for path in PATHS:
        assert _client(people.finance).get(BASE + path).status_code == 200
    assert AuditEntry.objects.count() == before


def test_the_figures_are_strings_of_yuan(people: Personas) -> None:
    client = _client(people.auditor)
    rows = client.get(BASE + "/reports/year").json()
    assert rows[0] == {"key": str(YEAR), "budget": "1000.00", "committed": "200.00",
                       "paid": "100.00", "available": "700.00", "approved": "300.00"}
    assert client.get(f"{BASE}/years/{YEAR}").json()["available"] == "700.00"
    clauses = client.get(BASE + "/reports/clause").json()
    assert clauses[0]["key"] == "政策/二/(四)" and clauses[0]["budget"] is None
    assert client.get(BASE + "/reports/nonsense").status_code == 422
