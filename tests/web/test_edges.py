"""The edge (issue 16, item 8): NUL characters, out-of-range dates and page numbers are
refused with 400 (or answered with the last page), never a 500; a refused move does not tell
the state of an application the user may not see."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from policyhub.applications import workflow
from policyhub.applications.api import MAX_PAGE
from policyhub.applications.models import Application
from policyhub.audit.models import AuditEntry
from policyhub.registry.models import RegistryEvent
from policyhub.web.edges import NUL_MESSAGE
from tests.personas import Personas
from tests.web_pages.helpers import draft, record_project

HUGE = "9223372036854775807"


def test_a_nul_in_the_query_is_a_chinese_400_page(client: Client, db: None) -> None:
    response = client.get("/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.text and "请求无法处理" in response.text


def test_a_nul_in_a_query_name_or_the_path_is_refused(client: Client, db: None) -> None:
    assert client.get("/?a%00=1").status_code == 400
    assert client.get("/registry/%00/").status_code == 400


def test_a_nul_in_a_form_is_refused_before_the_view(client: Client, db: None) -> None:
    response = client.post("/accounts/login/", "username=x%00&password=y",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and NUL_MESSAGE in response.text


def test_a_nul_in_a_multipart_form_is_refused_by_the_form_field(client: Client,
                                                                db: None) -> None:
    """Multipart bodies (uploads) are left to the view; Django's form fields refuse NUL."""
    response = client.post("/accounts/login/", {"username": "x\x00", "password": "y"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_nul_in_a_json_body_is_a_400_with_a_detail(login, people: Personas) -> None:  # type: ignore[no-untyped-def]
    record_project(people.org)
    before = (Application.objects.count(), AuditEntry.objects.count())
    body = {"organisation_id": people.org.pk, "rule": "P7.project", "matter": "proj\u0000-1"}
    response = login("applicant").post("/api/v1/applications/", json.dumps(body),
                                       content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}
    assert (Application.objects.count(), AuditEntry.objects.count()) == before


def test_a_nul_in_json_sent_as_another_type_is_refused_too(login, people: Personas) -> None:  # type: ignore[no-untyped-def]
    body = {"organisation_id": people.org.pk, "rule": "P7.project", "matter": "x\u0000"}
    response = login("applicant").post("/api/v1/applications/", json.dumps(body),
                                       content_type="text/plain")
    assert response.status_code == 400


def test_evaluate_refuses_a_nul_too(client: Client) -> None:
    body = json.dumps({"schema": "policyhub.evaluate/1", "as_of": "2021-06-30\u0000"})
    response = client.post("/api/v1/evaluate", body, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"detail": NUL_MESSAGE}


def test_a_backslash_u_text_is_not_a_nul(login, people: Personas) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"organisation_id": people.org.pk, "rule": "P7.project",
                       "matter": "\\u0000"})  # the six characters \u0000, not a NUL
    response = login("applicant").post("/api/v1/applications/", body,
                                       content_type="application/json")
    assert response.status_code != 400


@pytest.mark.parametrize("as_of", ["9999-12-31", "2018-12-31", "2101-01-01", "2021-13-01",
                                   "garbage", HUGE])
def test_the_dashboard_refuses_a_date_out_of_range_in_chinese(login, as_of: str) -> None:  # type: ignore[no-untyped-def]
    response = login("auditor").get("/dashboard/", {"as_of": as_of})
    assert response.status_code == 400
    assert "统计日期" in response.text and ("2019-01-01 至 2100-12-31" in response.text
                                          or "YYYY-MM-DD" in response.text)


@pytest.mark.parametrize("as_of", ["2019-01-01", "2100-12-31", ""])
def test_the_dashboard_takes_a_date_in_range(login, as_of: str) -> None:  # type: ignore[no-untyped-def]
    assert login("auditor").get("/dashboard/", {"as_of": as_of}).status_code == 200


def test_the_entitlement_api_refuses_a_date_out_of_range(login, people: Personas) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/registry/organisations/{people.org.pk}/entitlement"
    response = login("applicant").get(url, {"as_of": "9999-12-31"})
    assert response.status_code == 422 and "2100-12-31" in response.json()["detail"]


def test_a_huge_page_number_gives_the_last_page(login, people: Personas) -> None:  # type: ignore[no-untyped-def]
    record_project(people.org)
    draft(people)
    client = login("applicant")
    # The API declares its bounds (docs/security.md): beyond them a 422 naming each parameter.
    huge = client.get("/api/v1/applications/", {"page": HUGE, "page_size": HUGE})
    assert huge.status_code == 422
    assert sorted(e["loc"][-1] for e in huge.json()["detail"]) == ["page", "page_size"]
    page = client.get("/api/v1/applications/", {"page": MAX_PAGE, "page_size": 100}).json()
    assert page["page"] == 1 and page["count"] == 1 and len(page["items"]) == 1
    assert client.get("/applications/", {"page": HUGE}).status_code == 200


def test_a_refused_move_does_not_name_the_state_of_an_unseen_application(
        login, people: Personas) -> None:  # type: ignore[no-untyped-def]
    record_project(people.org)
    app = draft(people)
    label = workflow.state(app.state).zh
    for move in ("approve", "submit", "object", "pay"):
        response = login("outsider").post(f"/api/v1/applications/{app.pk}/transitions",
                                          json.dumps({"transition": move}),
                                          content_type="application/json")
        # Out of view: the same 404 as an unknown id, whatever the state (docs/security.md).
        assert response.status_code == 404
        assert label not in response.json()["detail"]
        assert response.json() == {"detail": "Not Found"}
    assert RegistryEvent.objects.count() == 1
