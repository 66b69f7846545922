"""Named personas for tests (healthchecks style): who acts, with which role, for whom.

    applicant      — staff of 长沙星盾网络安全有限公司 (an in-scope enterprise in 长沙高新区)
    park_officer   — 长沙高新区管委会, accepts its park's applications
    reviewer       — 市工业和信息化局 department reviewer (clauses it is responsible for)
    bureau_officer — 市工业和信息化局 final review (复核)
    finance        — 市财政局 finance officer, pays
    auditor        — read-only, everything
    admin          — administrator
    outsider       — a logged-in user with no role at all
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.contrib.auth.models import User

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.engine.creditcode import check_character
from policyhub.registry.models import Organisation
from policyhub.units.models import Unit
from policyhub.units.seed import rows

_serial = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code, different for every call (or for every n)."""
    n = next(_serial) if n is None else n
    first17 = f"91430100{n:09d}"
    return first17 + check_character(first17)


def ensure_units() -> None:
    """Units are seeded by a data migration; a transactional test elsewhere (e.g. the ledger's
    PostgreSQL concurrency tests) flushes every table, so re-seed them when they are gone."""
    if not Unit.objects.exists():
        Unit.objects.bulk_create(Unit(**row) for row in rows())


def unit(code: str) -> Unit:
    ensure_units()
    return Unit.objects.get(code=code)


def organisation(name: str = "长沙星盾网络安全有限公司", *, park: str = "hitech",
                 **fields: object) -> Organisation:
    fields.setdefault("kind", Organisation.Kind.ENTERPRISE)
    fields.setdefault("district", "岳麓区")
    return Organisation.objects.create(credit_code=credit_code(), name=name, park=unit(park),
                                       **fields)


def user(username: str, role: Role | None = None, *, unit_code: str | None = None,
         org: Organisation | None = None) -> User:
    u = User.objects.create_user(username=username, password="pw-" + username)
    if role is not None:
        RoleAssignment.objects.create(user=u, role=role, organisation=org,
                                      unit=unit(unit_code) if unit_code else None)
    return u


@dataclass
class Personas:
    org: Organisation
    applicant: User
    park_officer: User
    reviewer: User
    bureau_officer: User
    finance: User
    auditor: User
    admin: User
    outsider: User


def personas() -> Personas:
    org = organisation()
    return Personas(
        org=org,
        applicant=user("applicant", Role.APPLICANT, org=org),
        park_officer=user("park_officer", Role.PARK_OFFICER, unit_code="hitech"),
        reviewer=user("reviewer", Role.DEPARTMENT_REVIEWER, unit_code="miit"),
        bureau_officer=user("bureau_officer", Role.BUREAU_OFFICER, unit_code="miit"),
        finance=user("finance", Role.FINANCE_OFFICER, unit_code="finance"),
        auditor=user("auditor", Role.AUDITOR),
        admin=user("admin", Role.ADMINISTRATOR),
        outsider=user("outsider"),
    )
