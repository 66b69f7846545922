"""Who may open which page, asked before a link or button is shown: each predicate is the
page's own permission check (no link leads to a 403)."""

from __future__ import annotations

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, assignments

AUDIT_READERS = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})


def signed_in(user: AnyUser) -> bool:
    return bool(user.is_authenticated)


def roles(user: AnyUser) -> set[Role]:
    return {Role(a.role) for a in assignments(user)}


def has_any_role(user: AnyUser) -> bool:
    return bool(assignments(user))


def is_django_staff(user: AnyUser) -> bool:
    return bool(getattr(user, "is_staff", False))


def reads_ledger(user: AnyUser) -> bool:
    from policyhub.ledger.permissions import can_read_reports

    return can_read_reports(user)[0]


def reads_plan(user: AnyUser) -> bool:
    from policyhub.plan.permissions import can_view

    return can_view(user)[0]


def reads_audit(user: AnyUser) -> bool:
    return bool(roles(user) & AUDIT_READERS)


def may_apply(user: AnyUser) -> bool:
    """Whether 新建申报 would find anyone `user` may apply for (applications.views.new)."""
    held = roles(user)
    if held & {Role.APPLICANT, Role.PARK_OFFICER}:
        return True
    if Role.BUREAU_OFFICER not in held:
        return False
    from django.db.models import Q

    from policyhub.registry.models import Person, Team

    return (Person.objects.filter(organisation__isnull=True).exists()
            or Team.objects.filter(Q(leader__isnull=True)
                                   | Q(leader__organisation__isnull=True)).exists())


def reads_a_centre(user: AnyUser) -> bool:
    from policyhub.centres.registry import record_types

    return user.is_authenticated and any(spec.can_view(user)[0]
                                         for spec in record_types().values())


def is_bureau_officer(user: AnyUser) -> bool:
    """The industry bureau's officers: 免申即享筛查 and 政策模拟 (web.views.simulation)."""
    return user.is_authenticated and Role.BUREAU_OFFICER in roles(user)
