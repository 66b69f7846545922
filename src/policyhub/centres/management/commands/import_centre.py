"""`policyhub manage import_centre adaptation.adaptations FILE [--user NAME]`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from policyhub.centres.common import ImportFailed, import_table
from policyhub.centres.registry import record_types
from policyhub.registry.management.commands._common import acting_user
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
        quiet = options["no_progress"]

        def track(rows: Sequence[Any], desc: str) -> Iterable[Any]:
            bar: Iterable[Any] = tqdm(rows, desc=desc, unit="行", disable=quiet)
            return bar

        spec = record_types()[options["type"]]
        try:
            count = import_table(spec, path.read_bytes(), path.name,
                                 actor=acting_user(options["user"]), track=track)
        except Refused as exc:
            raise CommandError(exc.reason) from exc
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path.name}: {exc.bad_rows} 行有误，未导入任何数据 "
                               f"({exc.bad_rows} bad row(s), nothing imported)") from exc
        self.stdout.write(f"{path.name}: 导入 {count} 行（{spec.title}）")
