"""`policyhub manage import_centre adaptation.adaptations FILE [--user NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.centres.registry import record_types
from policyhub.registry.management.commands._common import run_import


class Command(BaseCommand):
    help = ("Import service-centre records from .xlsx or .csv (docs/centres.md), as an import "
            "job run here (the web's own service, listed on /imports/). Every row is checked "
            "first; a file with any bad row imports nothing and lists every bad row.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=sorted(record_types()),
                            help="<app>.<record type>, e.g. adaptation.adaptations")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="act as this user (its permissions apply); "
                            "default: the system")
        parser.add_argument("--no-progress", action="store_true",
                            help="no progress bar (for logs)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        spec = record_types()[options["type"]]
        job = run_import(self, f"centres.{options['type']}", path, options["user"],
                         options["no_progress"])
        self.stdout.write(f"{path.name}: 导入 {job.rows_written} 行（{spec.title}）")
