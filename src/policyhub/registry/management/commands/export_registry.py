"""`policyhub manage export_registry FILE --kind figures|events [--user NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.registry.io import KINDS, export_file
from policyhub.registry.management.commands._common import acting_user
from policyhub.registry.permissions import visible_organisations


class Command(BaseCommand):
    help = "Export yearly figures or events to .xlsx or .csv in the import format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--user", help="export only what this user may see; "
                            "default: everything")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"{path}: the file name must end in .xlsx or .csv")
        user = acting_user(options["user"])
        orgs = visible_organisations(user) if user else None
        count = export_file(path, options["kind"], orgs)
        self.stdout.write(f"{path}: 导出 {count} 行")
