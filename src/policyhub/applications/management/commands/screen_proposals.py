"""`manage.py screen_proposals [--as-of DATE] [--skip-if-running]`: a 免申即享 screening run over
the registry. Runs are serialised: one started while another is running waits for it (and
says how long it waited), or with --skip-if-running stops at once and says so."""

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
        parser.add_argument("--skip-if-running", action="store_true",
                            help="when another screening run is in progress, skip this one "
                                 "(default: wait for it to finish, then run)")

    def handle(self, *args: Any, **options: Any) -> str:
        try:
            as_of = (dt.date.fromisoformat(options["as_of"]) if options["as_of"]
                     else clock.today())
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        summary = screen(as_of, wait=not options["skip_if_running"])
        for problem in summary.problems:
            self.stderr.write(problem)
        return summary.line()
