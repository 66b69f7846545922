"""Shared by the import and export commands (registry and service centres): the acting
user, the progress bar, how a refused file is reported, and running a file as an import job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from policyhub.imports import jobs, kinds
from policyhub.imports.kinds import Progress
from policyhub.imports.models import ImportJob
from policyhub.registry import rejected
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


def refused_file(command: BaseCommand, name: str, exc: ImportFailed) -> CommandError:
    """Every bad row on standard error; the error that ends the command."""
    for error in exc.errors:
        command.stderr.write(str(error))
    return CommandError(f"{name}: {exc.bad_rows} 行有误，未导入任何数据 "
                        f"({exc.bad_rows} bad row(s), nothing imported)")


class BarProgress(Progress):
    """An import job's progress as two bars on the terminal: validating, then writing."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.bar, self.writing = quiet, None, False

    def _show(self, desc: str, total: int) -> tqdm[Any]:
        if self.bar is not None:
            self.bar.close()
        self.bar = tqdm(total=total, desc=desc, unit="行", disable=self.quiet)
        return self.bar

    def read(self, rows: int) -> None:
        self.total = rows
        self._show("校验 validating", rows)

    def validated(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows - self.bar.n)

    def wrote(self, rows: int, batches: int) -> None:
        if not self.writing:
            self.writing = True
            self._show("写入 writing", self.total)
        if self.bar is not None:
            self.bar.update(rows - self.bar.n)
            if rows >= self.total:
                self.bar.close()


def run_import(command: BaseCommand, key: str, path: Path, user: str | None,
               quiet: bool) -> ImportJob:
    """Run the file as an import job (imports.jobs, the web's own service) here and now;
    CommandError, with every bad row on standard error, when nothing or not all was imported."""
    kind = kinds.get(key)
    if kind is None:
        raise CommandError(f"unknown import kind {key}")
    job = jobs.run_file(kind, path, acting_user(user), BarProgress(quiet))
    if job.state == ImportJob.State.DONE:
        return job
    kept = jobs.errors_of(job)
    if kept is not None:
        raise refused_file(command, path.name, ImportFailed(rejected.errors_of(kept)))
    raise CommandError(f"{path.name}: {job.message}")
