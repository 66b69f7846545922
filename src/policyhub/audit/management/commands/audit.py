"""`policyhub audit verify`: recompute the audit trail's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.audit.services import verify


class Command(BaseCommand):
    help = "Audit trail tools. `verify`: recompute the hash chain and report the first break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(
                f"audit trail broken at entry {result.first_bad_seq}: {result.problem} "
                f"({result.checked} entries verified before it)")
        self.stdout.write(f"audit trail intact: {result.checked} entries verified")
