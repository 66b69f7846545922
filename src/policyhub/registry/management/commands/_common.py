"""Shared by the import and export commands (registry and service centres): the acting
user, the progress bar, and how a refused file is reported."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from policyhub.registry.io import ImportFailed


def acting_user(username: str | None) -> AbstractBaseUser | None:
    """The user named by --user (its permissions apply), or None: the system (shell access)."""
    if not username:
        return None
    model = get_user_model()
    try:
        return model.objects.get(**{model.USERNAME_FIELD: username})
    except model.DoesNotExist:
        raise CommandError(f"no user {username!r}") from None


def progress(quiet: bool) -> Callable[[Sequence[Any], str], Iterable[Any]]:
    """A per-row progress bar for the imports (off with --no-progress)."""

    def track(rows: Sequence[Any], desc: str) -> Iterable[Any]:
        bar: Iterable[Any] = tqdm(rows, desc=desc, unit="行", disable=quiet)
        return bar
    return track


def refused_file(command: BaseCommand, name: str, exc: ImportFailed) -> CommandError:
    """Every bad row on standard error; the error that ends the command."""
    for error in exc.errors:
        command.stderr.write(str(error))
    return CommandError(f"{name}: {exc.bad_rows} 行有误，未导入任何数据 "
                        f"({exc.bad_rows} bad row(s), nothing imported)")
