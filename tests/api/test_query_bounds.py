"""Query parameters are declared in the OpenAPI schema with their bounds (so the schemathesis
fuzz test, tests/api/test_api_fuzz.py, tries them), and every paginated endpoint answers a
huge page number with a clear 422 naming the parameter, or its last page — never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from policyhub.applications.api import MAX_PAGE, MAX_PAGE_SIZE
from policyhub.config.api import api
from policyhub.ledger.api import FIRST_YEAR, LAST_YEAR
from tests.applications.helpers import draft
from tests.personas import personas

pytestmark = pytest.mark.django_db
HUGE = ("9223372036854775807", "9223372036854775808", str(10**30))


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _parameters(path: str) -> dict[str, dict[str, Any]]:
    operation = api.get_openapi_schema()["paths"][path]["get"]
    return {p["name"]: p["schema"] for p in operation["parameters"]}


def test_the_schema_bounds_page_and_page_size() -> None:
    found = _parameters("/api/v1/applications/")
    assert (found["page"]["minimum"], found["page"]["maximum"]) == (1, MAX_PAGE)
    assert (found["page_size"]["minimum"], found["page_size"]["maximum"]) == (1, MAX_PAGE_SIZE)


def _client() -> Client:
    p = personas()
    draft(p)
    client = Client()
    client.force_login(p.auditor)
    return client


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_page_is_a_422_naming_the_parameter(number: str) -> None:
    response = _client().get("/api/v1/applications/", {"page": number})
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["page"]


@pytest.mark.parametrize(("query", "name"), [({"page": "0"}, "page"),
                                             ({"page_size": "0"}, "page_size"),
                                             ({"page_size": str(MAX_PAGE_SIZE + 1)},
                                              "page_size"),
                                             ({"page_size": HUGE[0]}, "page_size")])
def test_out_of_bounds_values_are_422(query: dict[str, str], name: str) -> None:
    response = _client().get("/api/v1/applications/", query)
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == [name]


def test_the_largest_page_allowed_past_the_end_is_the_last_page() -> None:
    body = _client().get("/api/v1/applications/", {"page": str(MAX_PAGE)}).json()
    assert (body["count"], body["page"], len(body["items"])) == (1, 1, 1)


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_budget_year_or_day_is_never_a_server_error(number: str) -> None:
    p = personas()
    client = Client()
    client.force_login(p.finance)
    year = client.get(f"/api/v1/ledger/years/{number}")
    assert year.status_code == 422 and year.json()["detail"][0]["loc"][-1] == "year"
    client.force_login(p.applicant)
    entitlement = client.get(f"/api/v1/registry/organisations/{p.org.pk}/entitlement",
                             {"as_of": "9999-12-31"})
    assert entitlement.status_code == 422


def test_the_schema_bounds_the_budget_year() -> None:
    operation = api.get_openapi_schema()["paths"]["/api/v1/ledger/years/{year}"]["get"]
    year = next(p["schema"] for p in operation["parameters"] if p["name"] == "year")
    assert (year["minimum"], year["maximum"]) == (FIRST_YEAR, LAST_YEAR)
