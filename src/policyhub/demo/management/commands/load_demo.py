"""`policyhub manage load_demo [--seed N] [--organisations N] [--reset | --if-empty]`.

Loads the demo site (policyhub.demo.loader, docs/demo.md) into an empty database, in one
transaction. A second run refuses (exit status 1, nothing changed) unless `--reset`, which
flushes a database holding the demo first; `--if-empty` (used by `make run`) loads only into
an empty database and otherwise says why it skipped, with exit status 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.demo import loader as demo
from policyhub.demo.accounts import PASSWORD


class Command(BaseCommand):
    help = ("Load the demo: ~300 organisations, a login per role (password "
            f"{PASSWORD}), the special fund and applications in every workflow state.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.SEED,
                            help=f"random seed (default {demo.SEED})")
        parser.add_argument("--organisations", type=int, default=demo.ORGANISATIONS,
                            metavar="N", help=f"registry size (default {demo.ORGANISATIONS})")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true",
                           help="flush a database that holds the demo, then load it again")
        group.add_argument("--if-empty", action="store_true",
                           help="load only into an empty database; otherwise skip (status 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["organisations"] < 20:
            raise CommandError("--organisations: at least 20 (the scenarios need candidates)")
        if options["if_empty"]:
            why = demo.refusal()
            if why is not None:
                self.stdout.write(f"load_demo --if-empty: skipped, {why}")
                if demo.has_demo():
                    self.stdout.write(f"Demo logins: admin, bureau_officer, finance_officer, "
                                      f"auditor, department_reviewer, park_officer, applicant "
                                      f"… (password {PASSWORD}; docs/demo.md)")
                return
        try:
            summary = demo.load(options["seed"], options["organisations"],
                                reset=options["reset"])
        except demo.AlreadyLoaded as exc:
            raise CommandError(f"load_demo: {exc}") from exc
        self.stdout.write(demo.summary_text(summary))
