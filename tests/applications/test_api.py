"""The REST endpoints under /api/v1/applications/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from policyhub.applications.models import Application, Proposal
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import DAY, draft, move, project
from tests.personas import organisation, personas

pytestmark = pytest.mark.django_db
BASE = "/api/v1/applications/"


def ids(u: User) -> set[int]:
    return {a["id"] for a in _client(u).get(BASE).json()["items"]}


def _client(u: User) -> Client:
    c = Client()
    c.force_login(u)
    return c


def _post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


def test_the_list_shows_each_user_only_what_they_may_see() -> None:
    p = personas()
    mine = draft(p)
    other_org = organisation("长沙另一家网络安全有限公司", park="ceda")
    theirs = draft(p, org=other_org, actor=_ceda_officer())
    assert ids(p.applicant) == {mine.pk}
    assert ids(p.park_officer) == {mine.pk}
    assert ids(p.auditor) == {mine.pk, theirs.pk}
    assert ids(p.outsider) == set()


def test_the_list_filters_by_state_clause_and_park_and_pages() -> None:
    p = personas()
    a = draft(p)
    move(a, "submit", p.applicant)
    draft(p, rule="P6.standard", matter="std-1",
          events=[{"type": "standard_led", "date": "2020-05-10", "level": "national",
                   "matter": "std-1"}])
    c = _client(p.auditor)
    assert [x["id"] for x in c.get(BASE, {"state": "submitted"}).json()["items"]] == [a.pk]
    assert c.get(BASE, {"clause": "二(六)"}).json()["count"] == 1
    assert c.get(BASE, {"park": "ceda"}).json()["count"] == 0
    page = c.get(BASE, {"page_size": 1, "page": 2}).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_detail_has_the_history_and_is_refused_to_outsiders_with_the_reason() -> None:
    p = personas()
    app = move(draft(p), "submit", p.applicant)
    body = _client(p.applicant).get(f"{BASE}{app.pk}").json()
    assert [h["name"] for h in body["history"]] == ["create", "submit"]
    assert body["state_label"] == "已提交" and body["decision"]["as_of"] == DAY.isoformat()
    refused = _client(p.outsider).get(f"{BASE}{app.pk}")
    missing = _client(p.outsider).get(f"{BASE}{app.pk + 1000}")
    assert refused.status_code == missing.status_code == 404  # as if it did not exist
    assert refused.json() == missing.json() == {"detail": "Not Found"}
    entry = AuditEntry.objects.get(action="applications.view", allowed=False)
    assert "无权查看" in entry.reason


def test_create_applies_for_the_own_organisation_only() -> None:
    p = personas()
    body = {"organisation_id": p.org.pk, "rule": "P7.project", "matter": "proj-1",
            "events": project()}
    ok = _post(_client(p.applicant), BASE, body)
    assert ok.status_code == 201 and ok.json()["entitled_amount"] == "2000000.00"
    # Another's organisation is not found for the outsider, like an unknown one.
    assert _post(_client(p.outsider), BASE, {**body, "matter": "x"}).status_code == 404
    unknown = {**body, "organisation_id": p.org.pk + 1000, "matter": "x"}
    assert _post(_client(p.outsider), BASE, unknown).json() == {"detail": "Not Found"}


def test_transition_endpoint_moves_or_answers_403_with_the_reason() -> None:
    p = personas()
    app = draft(p)
    url = f"{BASE}{app.pk}/transitions"
    refused = _post(_client(p.finance), url, {"transition": "submit"})
    assert refused.status_code == 403 and "申报主体" in refused.json()["detail"]
    moved = _post(_client(p.applicant), url, {"transition": "submit"})
    assert moved.status_code == 200 and moved.json()["state"] == "submitted"
    accepted = _post(_client(p.park_officer), url, {"transition": "accept", "amount": "5"})
    assert accepted.status_code == 422 and "不能设定金额" in accepted.json()["detail"]


def test_anonymous_users_get_401() -> None:
    assert Client().get(BASE).status_code == 401


def test_proposals_are_listed_for_their_organisation_and_confirmed() -> None:
    p = personas()
    proposal = Proposal.objects.create(
        organisation=p.org, rule="P7.project", clause="二(七)", matter="proj-1",
        amount="2000000.00", ceiling=True, run="t", events=project())
    assert [x["id"] for x in _client(p.applicant).get(f"{BASE}proposals").json()] == [
        proposal.pk]
    assert _client(p.outsider).get(f"{BASE}proposals").json() == []
    done = _client(p.applicant).post(f"{BASE}proposals/{proposal.pk}/confirm")
    assert done.status_code == 201 and done.json()["state"] == "accepted"
    # Idempotent (issue 20): a second confirmation returns the first application.
    again = _client(p.applicant).post(f"{BASE}proposals/{proposal.pk}/confirm")
    assert again.status_code == 200 and again.json()["id"] == done.json()["id"]
    assert Application.objects.count() == 1
    # Someone who may not act for the applicant still gets nothing.
    assert _client(p.outsider).post(f"{BASE}proposals/{proposal.pk}/confirm").status_code == 404
    proposal.refresh_from_db()
    assert proposal.application_id == done.json()["id"]


def _ceda_officer() -> User:
    from policyhub.accounts.models import Role
    from tests.personas import user

    return user("ceda_officer", Role.PARK_OFFICER, unit_code="ceda")
