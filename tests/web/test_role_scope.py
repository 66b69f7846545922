"""Role assignments within a request (accounts.roles.request_scope): read once per page, and a
change made during the request is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.accounts.roles import has_role, request_scope
from tests.personas import Personas, personas


@pytest.fixture
def people(db: None) -> Personas:
    return personas()


def role_queries(captured: CaptureQueriesContext) -> int:
    return sum('FROM "accounts_roleassignment"' in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("persona", ["bureau_officer", "applicant", "auditor", "outsider"])
def test_a_page_reads_the_users_roles_once(people: Personas, persona: str) -> None:
    client = Client()
    client.force_login(getattr(people, persona))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    # Before the scope, the navigation asked once per link and role: about forty queries.
    assert role_queries(captured) == 1


def test_outside_a_request_every_question_reads_the_database(people: Personas) -> None:
    with CaptureQueriesContext(connection) as captured:
        assert has_role(people.bureau_officer, Role.BUREAU_OFFICER)
        assert not has_role(people.bureau_officer, Role.FINANCE_OFFICER)
    assert role_queries(captured) == 2


def test_a_role_given_or_taken_inside_the_scope_is_seen_at_once(people: Personas) -> None:
    user = people.outsider
    with request_scope():
        assert not has_role(user, Role.AUDITOR)
        given = RoleAssignment.objects.create(user=user, role=Role.AUDITOR)
        assert has_role(user, Role.AUDITOR)
        given.delete()
        assert not has_role(user, Role.AUDITOR)
