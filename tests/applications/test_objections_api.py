"""`POST /api/v1/applications/{id}/transitions {"transition": "object"}` (issue 16, item 4):
the auditor's objection moved an application notice → accepted; a rival's, again and again."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from policyhub.accounts.models import Role
from policyhub.applications import services
from policyhub.applications.models import Application, Objection
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import draft, to_notice
from tests.personas import organisation, personas, user

pytestmark = pytest.mark.django_db

DURING = dt.date(2021, 6, 9)


def object_to(u: User, app: Application, reason: str = "投资额不实") -> Any:
    c = Client()
    c.force_login(u)
    return c.post(f"/api/v1/applications/{app.pk}/transitions",
                  json.dumps({"transition": "object", "reason": reason}),
                  content_type="application/json")


@pytest.fixture(autouse=True)
def _during_the_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "today", lambda: DURING)


def test_the_auditor_and_the_officials_cannot_object() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    for official in (p.auditor, p.admin, p.bureau_officer, p.finance, p.park_officer,
                     p.reviewer, p.applicant, p.outsider):
        response = object_to(official, app)
        assert response.status_code == 403, official
        assert "其他单位申报人" in response.json()["detail"]
    app.refresh_from_db()
    assert app.state == "notice" and not Objection.objects.exists()


def test_a_rival_objects_once_and_the_application_stays_in_notice() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    rival = user("rival", Role.APPLICANT, org=organisation("长沙某竞争企业有限公司"))
    first = object_to(rival, app)
    assert first.status_code == 200 and first.json()["state"] == "notice"
    again = object_to(rival, app, "再次异议")
    assert again.status_code == 422 and "只能提出一次" in again.json()["detail"]
    assert Objection.objects.count() == 1


def test_a_refused_move_on_an_application_out_of_view_names_no_state() -> None:
    p = personas()
    app = draft(p)
    rival = user("rival", Role.APPLICANT, org=organisation("长沙某竞争企业有限公司"))
    response = object_to(rival, app)
    # Out of view: a 404 as for an unknown id, naming neither its state nor its existence.
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    assert "草稿" not in response.content.decode()
    assert AuditEntry.objects.filter(action="applications.view", allowed=False).exists()
