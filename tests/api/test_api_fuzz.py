"""Schemathesis over /api/openapi.json (issue 16): every operation fuzzed anonymously and as
each persona, in process through the WSGI app (no network).

Asserted: no 5xx, and every documented answer matches its schema. Bounded so it fits CI:
FUZZ_EXAMPLES generated cases per operation (default 27, at most 50) besides schemathesis'
coverage cases (boundary values), dealt in turn to the 9 callers (anonymous + 8 personas);
an operation without parameters (one possible case) is sent by all 9. At this bound the old
`?page=9223372036854775807` overflow (a 500) was not found every time (it was with 50 cases,
each sent by all 9 callers); tests/web/test_url_walk.py tries such values on every URL.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from policyhub.config.wsgi import application
from tests.personas import Personas, personas
from tests.web_pages.helpers import in_notice, record_project

EXAMPLES = min(int(os.environ.get("FUZZ_EXAMPLES", "27")), 50)
PERSONAS = ("applicant", "park_officer", "reviewer", "bureau_officer", "finance", "auditor",
            "admin", "outsider")
CSRF = "f" * 32  # a CSRF secret sent as the cookie and the header (unmasked form)
CHECKS = [not_a_server_error, response_schema_conformance]


def _session(user: User) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


@pytest.fixture(autouse=True)
def keep_the_connection() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's connection (it
    holds the test's transaction; on PostgreSQL closing it ends the test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(db: None) -> list[tuple[str, dict[str, str]]]:
    """(who, cookies): anonymous, then each persona signed in; records to find."""
    p: Personas = personas()
    record_project(p.org)
    in_notice(p)
    return [("anonymous", {})] + [(name, _session(getattr(p, name))) for name in PERSONAS]


@pytest.fixture
def turn() -> Iterator[int]:
    return itertools.count()


def _who(case: Any, callers: list[tuple[str, dict[str, str]]],
         turn: Iterator[int]) -> list[tuple[str, dict[str, str]]]:
    raw = case.operation.definition.raw
    if not raw.get("parameters") and "requestBody" not in raw:
        return callers  # one possible request: every caller sends it
    return [callers[next(turn) % len(callers)]]


# Loaded when the module is collected (the schema view needs no database); the lazy
# from_fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_never_fails_and_keeps_to_its_schema(
        case: Any, callers: list[tuple[str, dict[str, str]]], turn: Iterator[int]) -> None:
    for who, cookies in _who(case, callers, turn):
        headers = {"X-CSRFToken": CSRF} if cookies else {}
        response = case.call(cookies=cookies, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            raise AssertionError(f"as {who}: {exc}") from exc
