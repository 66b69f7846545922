"""Refusals never reveal what the user may not view (docs/security.md): for every API
operation on one object, the outsider persona gets for an object that exists but is not theirs
exactly what it gets for an id that does not exist — 404 {"detail": "Not Found"} — and the
refusal is still audited. A type-level refusal (the service centres) comes before the
look-up, so it reads the same for both as well."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from policyhub.applications.models import Proposal
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import draft, leader_draft, project, talent_person
from tests.centres.helpers import adaptation
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db
MISSING = 999_999
NOT_FOUND = {"detail": "Not Found"}


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _call(user: User, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    client.force_login(user)
    if method == "get":
        return client.get(url)
    return client.post(url, json.dumps(body or {}), content_type="application/json")


# (name, method, url with {id}, body with {id}, how to make the object that exists)
Maker = Callable[[Personas], int]


def _org(p: Personas) -> int:
    return p.org.pk


def _app(p: Personas) -> int:
    return draft(p).pk


def _leader_app(p: Personas) -> int:
    return leader_draft(p).pk


def _proposal(p: Personas) -> int:
    return Proposal.objects.create(organisation=p.org, rule="P7.project", clause="二(七)",
                                   matter="proj-1", amount="2000000.00", ceiling=True, run="t",
                                   events=project()).pk


def _person(p: Personas) -> int:
    return talent_person(p).pk


CASES: list[tuple[str, str, str, dict[str, Any] | None, Maker]] = [
    ("registry organisation", "get", "/api/v1/registry/organisations/{id}", None, _org),
    ("registry figures", "get", "/api/v1/registry/organisations/{id}/figures", None, _org),
    ("registry events", "get", "/api/v1/registry/organisations/{id}/events", None, _org),
    ("registry entitlement", "get", "/api/v1/registry/organisations/{id}/entitlement", None,
     _org),
    ("application", "get", "/api/v1/applications/{id}", None, _app),
    ("transition", "post", "/api/v1/applications/{id}/transitions",
     {"transition": "object", "reason": "异议"}, _app),
    ("committee decision", "post", "/api/v1/applications/{id}/committee-decisions",
     {"meeting_ref": "会〔2021〕1号", "meeting_date": "2021-06-01", "amount": "1000000",
      "members": ["甲"]}, _leader_app),
    ("confirm proposal", "post", "/api/v1/applications/proposals/{id}/confirm", None,
     _proposal),
    ("dismiss proposal", "post", "/api/v1/applications/proposals/{id}/dismiss", None,
     _proposal),
    ("apply for an organisation", "post", "/api/v1/applications/",
     {"organisation_id": "{id}", "rule": "P7.project", "matter": "m", "events": []}, _org),
    ("apply for a person", "post", "/api/v1/applications/",
     {"person_id": "{id}", "rule": "P5.talent", "matter": "m", "events": []}, _person),
]


def _fill(body: dict[str, Any] | None, pk: int) -> dict[str, Any] | None:
    if body is None:
        return None
    return {k: pk if v == "{id}" else v for k, v in body.items()}


@pytest.mark.parametrize(("name", "method", "url", "body", "make"), CASES,
                         ids=[c[0] for c in CASES])
def test_an_object_out_of_view_answers_as_an_unknown_one(
        name: str, method: str, url: str, body: dict[str, Any] | None, make: Maker) -> None:
    p = personas()
    pk = make(p)
    before = AuditEntry.objects.filter(allowed=False).count()
    hidden = _call(p.outsider, method, url.format(id=pk), _fill(body, pk))
    missing = _call(p.outsider, method, url.format(id=MISSING), _fill(body, MISSING))
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND), name
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND), name
    assert AuditEntry.objects.filter(allowed=False).count() == before + 1  # the refusal


def test_a_centre_record_refused_by_type_reads_the_same_whether_or_not_it_exists() -> None:
    p = personas()
    record = adaptation("星盾防火墙")
    url = "/api/v1/centres/adaptation/adaptations/{}"
    hidden = _call(p.outsider, "get", url.format(record.pk))
    missing = _call(p.outsider, "get", url.format(MISSING))
    assert hidden.status_code == missing.status_code == 403
    assert hidden.json() == missing.json()
