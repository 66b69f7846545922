"""`policyhub manage import_registry FILE --kind figures|events|organisations|people|teams
[--user NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.registry.imports_objects import KINDS as OBJECT_KINDS
from policyhub.registry.io import KINDS
from policyhub.registry.management.commands._common import run_import


class Command(BaseCommand):
    help = ("Import yearly figures, events, organisations, people or teams from .xlsx or .csv "
            "(docs/registry.md), as an import job run here (the web's own service, listed on "
            "/imports/). Every row is checked first; a file with any bad row imports nothing "
            "and lists every bad row.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=(*KINDS, *OBJECT_KINDS), required=True)
        parser.add_argument("--user", help="act as this user (its permissions apply); "
                            "default: the system")
        parser.add_argument("--no-progress", action="store_true",
                            help="no progress bar (for logs)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        result = run_import(self, f"registry.{options['kind']}", path, options["user"],
                            options["no_progress"])
        unchanged = f"，已登记未重复导入 {result.unchanged}" if result.unchanged else ""
        self.stdout.write(f"{path.name}: 导入 {result.rows_written} 行（新增 {result.created}，"
                          f"更新 {result.updated}{unchanged}）")
