"""Small typed queries about who holds which role.

Within one request (`RolesMiddleware`, and any `remembered()` block) a user's assignments are
read once: the navigation, the role badges and the page's own checks ask a dozen times per
page (12 queries of the dashboard's 44 before). Any save or delete of an assignment through
Django forgets what was read, so a request that grants a role sees it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

from policyhub.accounts.models import Role, RoleAssignment

AnyUser = AbstractBaseUser | AnonymousUser

# user pk -> every assignment of that user, while a remembered() block runs
_HELD: ContextVar[dict[Any, list[RoleAssignment]] | None] = ContextVar(
    "accounts_roles_held", default=None)


@contextmanager
def remembered() -> Iterator[None]:
    """Within the block each user's assignments are read from the database once."""
    token = _HELD.set({})
    try:
        yield
    finally:
        _HELD.reset(token)


def _forget(**_: Any) -> None:
    held = _HELD.get()
    if held is not None:
        held.clear()


post_save.connect(_forget, sender=RoleAssignment, dispatch_uid="roles-held-save")
post_delete.connect(_forget, sender=RoleAssignment, dispatch_uid="roles-held-delete")


class RolesMiddleware:
    """One request = one remembered() block (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with remembered():
            return self.get_response(request)


def assignments(user: AnyUser, role: Role | None = None) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    qs = RoleAssignment.objects.filter(user_id=user.pk).select_related("unit", "organisation")
    held = _HELD.get()
    if held is None:
        return list(qs if role is None else qs.filter(role=role))
    if user.pk not in held:
        held[user.pk] = list(qs)
    return [a for a in held[user.pk] if role is None or a.role == role]


def has_role(user: AnyUser, role: Role) -> bool:
    return bool(assignments(user, role))


def unit_ids(user: AnyUser, role: Role) -> set[int]:
    return {a.unit_id for a in assignments(user, role) if a.unit_id is not None}


def organisation_ids(user: AnyUser) -> set[int]:
    return {a.organisation_id for a in assignments(user, Role.APPLICANT)
            if a.organisation_id is not None}
