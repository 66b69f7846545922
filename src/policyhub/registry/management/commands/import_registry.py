"""`policyhub manage import_registry FILE --kind figures|events [--user NAME]`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from policyhub.registry.io import KINDS, ImportFailed, import_file
from policyhub.registry.management.commands._common import acting_user


class Command(BaseCommand):
    help = ("Import yearly figures or events from .xlsx or .csv (docs/registry.md). Every row "
            "is checked first; a file with any bad row imports nothing and lists every bad row.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=KINDS, required=True)
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

        try:
            result = import_file(path, options["kind"], actor=acting_user(options["user"]),
                                 track=track)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            bad = len({e.row for e in exc.errors})
            raise CommandError(f"{path.name}: {bad} 行有误，未导入任何数据 "
                               f"({bad} bad row(s), nothing imported)") from exc
        self.stdout.write(f"{path.name}: 导入 {result.rows} 行（新增 {result.created}，"
                          f"更新 {result.updated}）")
