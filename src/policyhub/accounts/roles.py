"""Small typed queries about who holds which role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from policyhub.accounts.models import Role, RoleAssignment

AnyUser = AbstractBaseUser | AnonymousUser


def assignments(user: AnyUser, role: Role | None = None) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    qs = RoleAssignment.objects.filter(user_id=user.pk).select_related("unit", "organisation")
    if role is not None:
        qs = qs.filter(role=role)
    return list(qs)


def has_role(user: AnyUser, role: Role) -> bool:
    return bool(assignments(user, role))


def unit_ids(user: AnyUser, role: Role) -> set[int]:
    return {a.unit_id for a in assignments(user, role) if a.unit_id is not None}


def organisation_ids(user: AnyUser) -> set[int]:
    return {a.organisation_id for a in assignments(user, Role.APPLICANT)
            if a.organisation_id is not None}
