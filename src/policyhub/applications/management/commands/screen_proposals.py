"""`manage.py screen_proposals [--as-of DATE]`: a 免申即享 screening run over the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub import clock
from policyhub.applications.screening import screen


class Command(BaseCommand):
    help = "Screen every registry organisation and propose entitlements nobody applied for."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", default=None, help="decision day (default: today)")

    def handle(self, *args: Any, **options: Any) -> str:
        try:
            as_of = (dt.date.fromisoformat(options["as_of"]) if options["as_of"]
                     else clock.today())
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        summary = screen(as_of)
        for problem in summary.problems:
            self.stderr.write(problem)
        return summary.line()
