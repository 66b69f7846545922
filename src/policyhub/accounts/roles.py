"""Small typed queries about who holds which role.

Within a web request (`request_scope`, opened by `RoleScopeMiddleware`) a user's assignments are
read once: the navigation alone asks for them about forty times per page (one question per link
and role), which cost every page ~40 queries. Saving or deleting an assignment empties the
scope, so a request that changes roles sees the change. Outside a request (services called from
the CLI, jobs, tests) every call reads the database as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse

from policyhub.accounts.models import Role, RoleAssignment

AnyUser = AbstractBaseUser | AnonymousUser

_scope: ContextVar[dict[Any, list[RoleAssignment]] | None] = ContextVar(
    "policyhub_role_scope", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Read each user's assignments at most once until the block ends."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def forget_assignments(*_args: Any, **_kwargs: Any) -> None:
    """Signal receiver: an assignment changed, so the open scope reads again."""
    cache = _scope.get()
    if cache is not None:
        cache.clear()


class RoleScopeMiddleware:
    """One `request_scope` per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)


def _read(user_pk: Any) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user_id=user_pk)
                .select_related("unit", "organisation").order_by("pk"))


def assignments(user: AnyUser, role: Role | None = None) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cache = _scope.get()
    if cache is None:
        held = _read(user.pk)
    elif user.pk in cache:
        held = cache[user.pk]
    else:
        held = cache[user.pk] = _read(user.pk)
    return [a for a in held if role is None or a.role == role]


def has_role(user: AnyUser, role: Role) -> bool:
    return bool(assignments(user, role))


def unit_ids(user: AnyUser, role: Role) -> set[int]:
    return {a.unit_id for a in assignments(user, role) if a.unit_id is not None}


def organisation_ids(user: AnyUser) -> set[int]:
    return {a.organisation_id for a in assignments(user, Role.APPLICANT)
            if a.organisation_id is not None}
