"""`policyhub manage export_screening DIR [--user NAME]`: the registry as the normalised
input of `policyhub screen` (docs/screening.md, "Input: the normalised registry")."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.clock import today
from policyhub.registry.facts import Applicant, request_for
from policyhub.registry.management.commands._common import acting_user
from policyhub.registry.models import Organisation, Person, Team
from policyhub.registry.permissions import visible_organisations

BLOCK = 1 << 16  # applicants per row group, as the reader's batches


def applicants(orgs: Any | None) -> Iterator[Applicant]:
    """Every organisation (or those `orgs` holds), then the people and teams with events of
    their own (without facts nothing can be granted them), each by primary key."""
    chosen = Organisation.objects.all() if orgs is None else orgs
    yield from chosen.order_by("pk").iterator()
    if orgs is None:
        yield from Person.objects.filter(events__isnull=False).distinct().order_by("pk") \
            .iterator()
        yield from Team.objects.filter(events__isnull=False).distinct().order_by("pk") \
            .iterator()


def export(path: Path, orgs: Any | None, as_of: dt.date) -> int:
    """Write the normalised tables into the new directory `path` (built beside it and
    renamed into place); returns the count of applicants."""
    from policyhub.screen.normalised import Writer
    from policyhub.screen.requests import rows_frame, to_rows

    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    count = 0
    try:
        writer = Writer(work)
        try:
            rows: list[dict[str, Any]] = []
            for i, applicant in enumerate(applicants(orgs), 1):
                rows += to_rows(request_for(applicant, as_of=as_of))
                count = i
                if i % BLOCK == 0:
                    writer.write(rows_frame(rows))
                    rows = []
            if rows:
                writer.write(rows_frame(rows))
        finally:
            writer.close()
        work.rename(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return count


class Command(BaseCommand):
    help = ("Export the registry as the normalised input of `policyhub screen`: a directory "
            "with applicants.parquet and one table per event type.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory that does not exist yet")
        parser.add_argument("--user", help="export only the organisations this user may see; "
                            "default: everything")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["directory"]
        if path.exists():
            raise CommandError(f"{path}: already exists (the export writes a new directory)")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory")
        user = acting_user(options["user"])
        orgs = visible_organisations(user) if user else None
        count = export(path, orgs, today())
        self.stdout.write(f"{path}: 导出 {count} 个申请主体")
