"""`policyhub outlook [--paths N] [--seed N] [--as-of DATE] [--scenario FILE]`: the fund
outlook as a table.

The Monte Carlo projection of claims on the special fund (docs/outlook.md): expected claims
per budget year with their 5–95% and 25–75% bands, the probability that the fund is
exhausted by the end of each year, and the clauses the money goes to.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub import clock
from policyhub.outlook import history, model, prepare, report
from policyhub.simulate.scenario import ScenarioError, parameters_for
from policyhub.simulate.scenario import load as load_scenario

DEFAULT_PATHS = 10_000
DEFAULT_SEED = 2019


class Command(BaseCommand):
    help = ("Project the claims on the special fund (Monte Carlo, docs/outlook.md) and print "
            "them per budget year with their bands and the probability the fund runs out.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--paths", type=int, default=DEFAULT_PATHS, metavar="N",
                            help=f"number of simulated paths (default {DEFAULT_PATHS:,})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                            help=f"random seed: the same seed gives the same result "
                                 f"(default {DEFAULT_SEED})")
        parser.add_argument("--as-of", metavar="DATE",
                            help="use the registry and the ledger as known on this day "
                                 "(YYYY-MM-DD; default: today)")
        parser.add_argument("--scenario", metavar="FILE",
                            help="also project under a reform scenario (YAML, "
                                 "docs/simulation.md), with the same random draws")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["paths"] < 1:
            raise CommandError("--paths: must be at least 1")
        try:
            as_of = (dt.date.fromisoformat(options["as_of"]) if options["as_of"]
                     else clock.today())
        except ValueError:
            raise CommandError(f"--as-of: must be a date YYYY-MM-DD, got "
                               f"{options['as_of']!r}") from None
        scenario = None
        if options["scenario"]:
            try:
                scenario = load_scenario(Path(options["scenario"]))
            except ScenarioError as exc:
                raise CommandError(f"--scenario: {exc}") from None
        h = history.load(as_of)
        if not h.years:
            self.stdout.write(f"专项资金的预算年度在 {h.base_year} 年底前均已结束，无需测算。")
            return
        self.stdout.write(report.render_books(history.books()) + "\n")
        outlook = model.simulate(prepare.prepare(h), options["paths"], options["seed"])
        self.stdout.write(report.render(outlook))
        if scenario is None:
            return
        h.options = scenario.options
        other = model.simulate(prepare.prepare(h, parameters_for(scenario)),
                               options["paths"], options["seed"])
        self.stdout.write(f"\n场景「{scenario.name}」：\n" + report.render(other))
        self.stdout.write("\n" + report.compare(outlook, other))
