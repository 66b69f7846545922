"""accounts.roles: a user's assignments read once within a request, and a role granted or
withdrawn during it seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.accounts.roles import assignments, has_role, remembered
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> Personas:
    return personas()


def _role_queries(ctx: CaptureQueriesContext) -> int:
    return sum('FROM "accounts_roleassignment"' in q["sql"] for q in ctx.captured_queries)


def test_outside_a_request_every_question_reads_the_database(people: Personas) -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert has_role(people.auditor, Role.AUDITOR)
        assert not has_role(people.auditor, Role.APPLICANT)
    assert _role_queries(ctx) == 2


def test_within_a_block_the_roles_are_read_once_and_filtered(people: Personas) -> None:
    with remembered(), CaptureQueriesContext(connection) as ctx:
        assert has_role(people.auditor, Role.AUDITOR)
        assert not has_role(people.auditor, Role.APPLICANT)
        assert [a.role for a in assignments(people.auditor)] == [Role.AUDITOR]
        assert has_role(people.applicant, Role.APPLICANT)  # another user: read once more
    assert _role_queries(ctx) == 2


def test_a_role_granted_or_withdrawn_within_the_block_is_seen(people: Personas) -> None:
    with remembered():
        assert not has_role(people.auditor, Role.ADMINISTRATOR)
        granted = RoleAssignment.objects.create(user=people.auditor, role=Role.ADMINISTRATOR)
        assert has_role(people.auditor, Role.ADMINISTRATOR)
        granted.delete()
        assert not has_role(people.auditor, Role.ADMINISTRATOR)


def test_a_page_reads_the_users_roles_once(people: Personas) -> None:
    # The home page asks for the navigation (a dozen links, each checking a role), the
    # role badges and its own role links.
    client = Client()
    client.force_login(people.auditor)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert _role_queries(ctx) == 1
