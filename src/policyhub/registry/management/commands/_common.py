"""Shared by import_registry and export_registry: the acting user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError


def acting_user(username: str | None) -> AbstractBaseUser | None:
    """The user named by --user (its permissions apply), or None: the system (shell access)."""
    if not username:
        return None
    model = get_user_model()
    try:
        return model.objects.get(**{model.USERNAME_FIELD: username})
    except model.DoesNotExist:
        raise CommandError(f"no user {username!r}") from None
