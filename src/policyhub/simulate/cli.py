"""`policyhub simulate`: a reform scenario against the law, on a screening input or the
registry (docs/simulation.md). Exit status 0; 2 for a bad scenario or bad input, with one
line per problem on standard error and nothing written."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `policyhub evaluate` builds this parser: nothing heavy is imported here
    import polars as pl

    from policyhub.screen.parquet_in import Frame

EXIT_BAD_INPUT = 2
WORKBOOK = "simulation.xlsx"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", nargs="?", metavar="INPUT",
                        help="screening input: events table, .parquet or .csv "
                        "(docs/screening.md); optional columns district and park")
    parser.add_argument("--scenario", required=True, metavar="FILE",
                        help="scenario YAML (docs/simulation.md)")
    parser.add_argument("--registry", action="store_true",
                        help="decide the database registry (instead of, or after, INPUT)")
    parser.add_argument("--out", metavar="DIR",
                        help=f"write DIR/{WORKBOOK} (totals, breakdowns, gainers and losers)")
    parser.add_argument("--as-of", metavar="DATE", help="decision date (default: today)")


def _frames(ns: argparse.Namespace, as_of: dt.date) -> Iterator[pl.DataFrame | Frame]:
    if ns.input:
        from policyhub.screen.io import frames

        # as `policyhub screen` reads: the sparse event columns decoded in C where the
        # Parquet layout allows (docs/screening.md, "Performance")
        for _row, frame in frames(Path(ns.input)):
            yield frame
            del frame
    if ns.registry:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.config.settings")
        import django

        django.setup()
        from policyhub.simulate.registry import registry_frame

        yield registry_frame(as_of)


def main(ns: argparse.Namespace) -> int:
    from policyhub.screen.io import InputFileError
    from policyhub.screen.problems import ScreenInputError
    from policyhub.simulate.run import Simulation
    from policyhub.simulate.scenario import ScenarioError, load
    from policyhub.simulate.workbook import summary_text, workbook

    if not ns.input and not ns.registry:
        print("INPUT: 请给出输入文件或 --registry / give INPUT or --registry", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        as_of = dt.date.fromisoformat(ns.as_of) if ns.as_of else dt.date.today()
    except ValueError:
        print(f"--as-of: 应为日期 YYYY-MM-DD / must be an ISO date, got {ns.as_of!r}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        scenario = load(Path(ns.scenario))
    except ScenarioError as err:
        print(err, file=sys.stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    from policyhub.screen import collector_off

    try:
        with collector_off():  # NumPy and Arrow buffers, no cycles (as `policyhub screen`)
            report = Simulation(scenario, as_of).run(_frames(ns, as_of))
    except (InputFileError, OSError) as err:
        print(f"{ns.input}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ScreenInputError as err:
        for line in err.lines():
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    if ns.out:
        target = Path(ns.out)
        target.mkdir(parents=True, exist_ok=True)
        partial = target / f".{WORKBOOK}.part"
        partial.write_bytes(workbook(report))
        partial.replace(target / WORKBOOK)
    print(summary_text(report))
    print(f"\n用时 wall time: {time.perf_counter() - started:.2f} s"
          + (f"；已写入 written: {Path(ns.out) / WORKBOOK}" if ns.out else ""))
    return 0
