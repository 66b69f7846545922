"""一事一议 committee decisions: the service's checks, the minutes file, and
POST /api/v1/applications/{app_id}/committee-decisions."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from policyhub.applications import services
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application, CommitteeDecision
from policyhub.applications.permissions import can_view
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import DAY, draft, leader_draft, move
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db
CAP = Decimal("10000000.00")  # 二(五) 一事一议 leader project


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "today", lambda: DAY)


def _leader(p: Personas) -> Application:
    app = leader_draft(p)
    return move(move(app, "submit", p.applicant), "accept", p.park_officer)


def _client(u: User) -> Client:
    c = Client()
    c.force_login(u)
    return c


def _post(u: User, app: Application, **body: Any) -> Any:
    payload = {"meeting_ref": "长工信专项会〔2021〕4号", "meeting_date": "2021-05-28",
               "amount": "3000000.00", "members": ["市工业和信息化局", "市财政局"], **body}
    return _client(u).post(f"/api/v1/applications/{app.pk}/committee-decisions",
                           json.dumps(payload), content_type="application/json")


def test_the_service_keeps_the_minutes_and_refuses_once_the_amount_is_fixed() -> None:
    p = personas()
    app = _leader(p)
    decision = services.record_committee_decision(
        app, p.bureau_officer, meeting_ref=" 会〔2021〕4号 ", meeting_date=DAY,
        amount=Decimal("3000000.00"), members=["甲", " ", "乙"],
        minutes=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes"))
    assert decision.meeting_ref == "会〔2021〕4号" and decision.members == ["甲", "乙"]
    assert decision.minutes.name.startswith("committee/") and decision.minutes.read() == (
        b"%PDF-1.4 minutes")
    with pytest.raises(Refused, match="须列明参会成员"):
        services.record_committee_decision(app, p.bureau_officer, meeting_ref="x",
                                           meeting_date=DAY, amount=Decimal(1), members=[])
    with pytest.raises(Refused, match="晚于今天"):
        services.record_committee_decision(app, p.bureau_officer, meeting_ref="x",
                                           meeting_date=DAY.replace(year=2022),
                                           amount=Decimal(1), members=["甲"])
    hrss = _hrss()
    app = move(move(app, "review", hrss), "final_review", p.bureau_officer)
    assert app.state == "notice" and app.approved_amount == Decimal("3000000.00")
    with pytest.raises(Refused, match="金额已确定"):
        services.record_committee_decision(app, p.bureau_officer, meeting_ref="x",
                                           meeting_date=DAY, amount=Decimal(1), members=["甲"])


def test_the_api_records_a_decision_for_the_bureau() -> None:
    p = personas()
    app = _leader(p)
    response = _post(p.bureau_officer, app)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "3000000.00" and body["members"] == ["市工业和信息化局", "市财政局"]
    assert body["minutes"] is None and body["recorded_by"] == "bureau_officer"
    detail = _client(p.applicant).get(f"/api/v1/applications/{app.pk}").json()
    assert [d["meeting_ref"] for d in detail["committee_decisions"]] == ["长工信专项会〔2021〕4号"]


@pytest.mark.parametrize("persona", ["applicant", "park_officer", "reviewer", "finance",
                                     "auditor", "admin", "outsider"])
def test_the_api_refuses_everyone_but_the_bureau_with_the_reason(persona: str) -> None:
    p = personas()
    app = _leader(p)
    response = _post(getattr(p, persona), app)
    if can_view(getattr(p, persona), app)[0]:
        assert response.status_code == 403
        assert response.json() == {"detail": "一事一议会议决定须由市工业和信息化局录入"}
    else:  # an application out of the user's view is not found, like an unknown one
        assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    assert not CommitteeDecision.objects.exists()
    action = ("applications.committee_decision" if can_view(getattr(p, persona), app)[0]
              else "applications.view")
    entry = AuditEntry.objects.filter(action=action).last()
    assert entry is not None and entry.allowed is False


def test_the_api_refuses_an_amount_above_the_cap_and_a_non_discretionary_item() -> None:
    p = personas()
    app = _leader(p)
    response = _post(p.bureau_officer, app, amount=str(CAP + Decimal("0.01")))
    assert response.status_code == 422
    assert "超过政策文件上限10000000.00元" in response.json()["detail"]
    assert _post(p.bureau_officer, app, amount=str(CAP)).status_code == 201
    ordinary = draft(p)  # 二(七): the engine sets the amount
    response = _post(p.bureau_officer, ordinary)
    assert response.status_code == 422 and "不是一事一议事项" in response.json()["detail"]


def test_the_api_needs_a_login() -> None:
    p = personas()
    app = _leader(p)
    response = Client().post(f"/api/v1/applications/{app.pk}/committee-decisions",
                             json.dumps({}), content_type="application/json")
    assert response.status_code == 401


def _hrss() -> User:
    from policyhub.accounts.models import Role
    from tests.personas import user

    return user("hrss_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="hrss")
