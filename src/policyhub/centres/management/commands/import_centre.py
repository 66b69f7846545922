"""`policyhub manage import_centre adaptation.adaptations FILE [--user NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.centres.common import import_table
from policyhub.centres.registry import record_types
from policyhub.registry.io import ImportFailed
from policyhub.registry.management.commands._common import acting_user, progress, refused_file
from policyhub.registry.services import Refused


class Command(BaseCommand):
    help = ("Import service-centre records from .xlsx or .csv (docs/centres.md). Every row is "
            "checked first; a file with any bad row imports nothing and lists every bad row.")

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
        try:
            count = import_table(spec, path.read_bytes(), path.name,
                                 actor=acting_user(options["user"]),
                                 track=progress(options["no_progress"]))
        except Refused as exc:
            raise CommandError(exc.reason) from exc
        except ImportFailed as exc:
            raise refused_file(self, path.name, exc) from exc
        self.stdout.write(f"{path.name}: 导入 {count} 行（{spec.title}）")
