"""`policyhub manage import_registry FILE --kind figures|events|organisations|people|teams
[--user NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.registry import imports_objects
from policyhub.registry.io import KINDS, ImportFailed, import_file
from policyhub.registry.management.commands._common import acting_user, progress, refused_file


class Command(BaseCommand):
    help = ("Import yearly figures, events, organisations, people or teams from .xlsx or .csv "
            "(docs/registry.md). Every row "
            "is checked first; a file with any bad row imports nothing and lists every bad row.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=(*KINDS, *imports_objects.KINDS), required=True)
        parser.add_argument("--user", help="act as this user (its permissions apply); "
                            "default: the system")
        parser.add_argument("--no-progress", action="store_true",
                            help="no progress bar (for logs)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = acting_user(options["user"])
        try:
            if options["kind"] in imports_objects.KINDS:
                result = imports_objects.import_file(path, options["kind"], actor=actor)
            else:
                result = import_file(path, options["kind"], actor=actor,
                                     track=progress(options["no_progress"]))
        except ImportFailed as exc:
            raise refused_file(self, path.name, exc) from exc
        unchanged = f"，已登记未重复导入 {result.unchanged}" if result.unchanged else ""
        self.stdout.write(f"{path.name}: 导入 {result.rows} 行（新增 {result.created}，"
                          f"更新 {result.updated}{unchanged}）")
