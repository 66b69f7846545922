"""Every /api/v1/* endpoint needs a signed-in session except evaluate and the public PK
catalogue; the OpenAPI schema says which (issue 16). An anonymous caller gets 401 and leaves
no audit row; reads are not audited."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from policyhub.audit.models import AuditEntry
from tests.personas import personas

pytestmark = pytest.mark.django_db

PUBLIC = {"evaluate", "centres_adaptation_catalogue"}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = Client().get("/api/openapi.json").json()
    return [(method, path, op) for path, item in schema["paths"].items()
            for method, op in item.items()]


def test_the_schema_is_public_and_declares_the_session_login() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schemes = response.json()["components"]["securitySchemes"]
    assert schemes == {"SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"}}


def test_every_operation_but_the_public_ones_needs_a_login_in_the_schema() -> None:
    ops = operations()
    assert len(ops) > 40
    public = {op["operationId"] for _, _, op in ops if not op.get("security")}
    assert public == PUBLIC
    for _, _, op in ops:
        if op["operationId"] not in PUBLIC:
            assert op["security"] == [{"SessionAuth": []}]
            assert "401" in op["responses"]


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_an_anonymous_caller_gets_401_everywhere_and_writes_nothing() -> None:
    personas()  # records to find, had the endpoints answered
    before = AuditEntry.objects.count()
    client = Client()
    for method, path, op in operations():
        if op["operationId"] in PUBLIC:
            continue
        url = _url(path)
        response = (client.get(url) if method == "get" else
                    client.post(url, json.dumps({}), content_type="application/json"))
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json() == {"detail": "Unauthorized"}
    assert AuditEntry.objects.count() == before


def test_the_public_endpoints_answer_without_a_login() -> None:
    client = Client()
    assert client.get("/api/v1/centres/adaptation/catalogue").status_code == 200
    body = {"schema": "policyhub.evaluate/1"}
    assert client.post("/api/v1/evaluate", json.dumps(body),
                       content_type="application/json").status_code in (200, 422)
    assert client.get("/api/docs").status_code == 200


def test_a_signed_in_read_writes_no_audit_row() -> None:
    p = personas()
    client = Client()
    client.force_login(p.auditor)
    before = AuditEntry.objects.count()
    for url in ("/api/v1/ledger/balances", "/api/v1/applications/",
                f"/api/v1/registry/organisations/{p.org.pk}",
                "/api/v1/centres/adaptation/adaptations"):
        assert client.get(url).status_code == 200, url
    assert AuditEntry.objects.count() == before
