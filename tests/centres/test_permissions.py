"""Who may create and view each centre's records: staff of the lead unit (docs/centres.md)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from policyhub.accounts.models import Role
from policyhub.centres.adaptation import permissions as adaptation
from policyhub.centres.common import Permission
from policyhub.centres.emergency import permissions as emergency
from policyhub.centres.events import permissions as events
from policyhub.centres.migration import permissions as migration
from policyhub.centres.testing import permissions as testing
from policyhub.centres.training import permissions as training
from tests.centres.helpers import staff
from tests.personas import personas

pytestmark = pytest.mark.django_db

CREATE: list[tuple[str, Permission, set[str]]] = [
    ("adaptation", adaptation.can_create, {"hitech", "miit"}),
    ("testing", testing.can_create, {"hitech", "miit"}),
    ("emergency", emergency.can_create, {"cac"}),
    ("migration", migration.can_create, {"data"}),
    ("events", events.can_create, {"miit", "science"}),
]
UNITS = ("hitech", "miit", "cac", "data", "science", "finance")


@pytest.mark.parametrize(("app", "check", "allowed_units"), CREATE, ids=[c[0] for c in CREATE])
def test_only_lead_unit_staff_create(app: str, check: Permission,
                                     allowed_units: set[str]) -> None:
    for code in UNITS:
        allowed, reason = check(staff(code))
        assert allowed == (code in allowed_units), (app, code)
        assert allowed or "仅" in reason


def test_any_staff_records_training_but_not_applicants_or_outsiders() -> None:
    p = personas()
    assert training.can_create(staff("finance"))[0]
    assert training.can_create(p.park_officer)[0]
    for who in (p.applicant, p.outsider, p.auditor):
        allowed, reason = training.can_create(who)
        assert not allowed and reason


def test_the_administrator_creates_everywhere() -> None:
    admin = personas().admin
    assert all(check(admin)[0] for _, check, _ in CREATE)


def test_anonymous_is_asked_to_log_in() -> None:
    allowed, reason = adaptation.can_create(AnonymousUser())
    assert not allowed and "登录" in reason


def test_incidents_are_read_by_the_response_units_and_the_auditor_only() -> None:
    p = personas()
    assert emergency.can_view(staff("police"))[0]
    assert emergency.can_view(p.auditor)[0]
    assert not emergency.can_view(staff("hitech"))[0]
    assert not emergency.can_view(p.applicant)[0]


def test_centre_records_are_read_by_staff_not_by_applicants() -> None:
    p = personas()
    assert adaptation.can_view(p.park_officer)[0]
    assert adaptation.can_view(staff("finance", Role.FINANCE_OFFICER))[0]
    assert not adaptation.can_view(p.applicant)[0]
    assert not adaptation.can_view(p.outsider)[0]
