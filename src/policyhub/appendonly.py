"""Append-only rows: history (audit trail, ledger, workflow) is never rewritten.

Corrections are new rows (a reversing entry, a new transition); an attempt to update or delete
through the ORM raises AppendOnlyError. The audit trail's hash chain also detects a change
made behind the ORM's back.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Bulk update and delete are refused; rows are only ever inserted."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")


class AppendOnlyModel(models.Model):
    """A row written once."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} rows are append-only")
