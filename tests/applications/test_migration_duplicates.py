"""Migration 0004 on a database that lived through issue 20's race: later live duplicates of
one claim are superseded by the system before the constraint is added; an approved one
stops the upgrade with its numbers."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection

from policyhub.applications.models import Application, TransitionRecord
from tests.applications.helpers import draft
from tests.personas import personas

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "policyhub.applications.migrations.0004_one_live_application")


def _raced(state: str, n: int) -> tuple[Application, list[Application]]:
    """A draft and `n` live copies in `state`, as the race left them: the table as it was
    before the constraint (its index dropped inside the test's transaction, which the
    rollback restores)."""
    first = draft(personas())
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX one_live_application_organisation")
    twins = []
    for _ in range(n):
        twin = Application.objects.get(pk=first.pk)
        twin.pk, twin.state = None, state
        twin.save(force_insert=True)
        twins.append(twin)
    return first, twins


def test_later_live_duplicates_are_superseded_and_the_first_kept() -> None:
    first, twins = _raced("submitted", 2)
    migration.supersede_duplicates(global_apps, None)
    first.refresh_from_db()
    assert first.state == "draft"
    for twin in twins:
        twin.refresh_from_db()
        row = TransitionRecord.objects.filter(application=twin).last()
        assert twin.state == "superseded" and row is not None and row.role == "system"
        assert f"编号{first.pk}" in row.reason


def test_an_approved_duplicate_stops_the_upgrade_with_its_numbers() -> None:
    first, [twin] = _raced("approved", 1)
    with pytest.raises(RuntimeError, match=f"{first.pk} and {twin.pk}"):
        migration.supersede_duplicates(global_apps, None)
