"""审计追踪: the auditor searches the audit trail and verifies the chain; nobody else may."""

from __future__ import annotations

from typing import Any

import pytest

from policyhub.audit.models import AuditEntry
from policyhub.audit.services import Verification
from policyhub.web.views import audit as audit_view
from tests.journeys.walk import visible_text
from tests.personas import Personas
from tests.web_pages.helpers import draft

pytestmark = pytest.mark.django_db


def test_the_auditor_searches_by_action_person_and_object_and_verifies_the_chain(
        login: Any, people: Personas, today: Any) -> None:
    app = draft(people)
    client = login("auditor")
    page = client.get("/audit/", {"action": "applications.apply"}).content.decode()
    entry = AuditEntry.objects.get(action="applications.apply")
    assert "创建申报" in page and entry.hash[:12] in page
    assert "applications.apply" not in visible_text(page)  # the code stays in the URL
    assert "申报 " + str(app.pk) in page
    assert entry.hash[:12] in client.get("/audit/", {"person": "applicant"}).content.decode()
    assert entry.hash[:12] not in client.get("/audit/", {"person": "finance"}).content.decode()
    assert entry.hash[:12] in client.get("/audit/", {"obj": str(app.pk)}).content.decode()
    assert entry.hash[:12] not in client.get("/audit/", {"since": "2999-01-01"}).content.decode()
    verified = client.post("/audit/", {"verify": "1"}).content.decode()
    assert 'data-ok="1"' in verified and "审计链完整" in verified


def test_a_broken_chain_is_reported(login: Any, people: Personas, today: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # How a chain gets broken is tests/audit's matter; here, what the page says when it is.
    draft(people)
    monkeypatch.setattr(audit_view, "verify", lambda: Verification(False, 3, 4, "altered"))
    verified = login("auditor").post("/audit/", {"verify": "1"}).content.decode()
    assert 'data-ok="0"' in verified and "前 3 条记录完整，第 4 条记录与链不符" in verified


@pytest.mark.parametrize("who", ["applicant", "bureau_officer", "finance", "outsider"])
def test_others_are_refused(login: Any, people: Personas, who: str) -> None:
    assert login(who).get("/audit/").status_code == 403
