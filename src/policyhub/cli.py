"""The `policyhub` command.

`evaluate` and `screen` never import Django: `evaluate` must start cold in well under 0.3 s
and `screen` runs on machines (Dask workers) that have no database. Every other command is
handed to Django's management commands (`policyhub manage migrate` …).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

PROG = "policyhub"
DESCRIPTION = "PolicyHub — 长沙市网络安全产业政策平台 (长政办发〔2019〕30号)."
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ev = sub.add_parser(
        "evaluate",
        help="decide one applicant's entitlements (contract policyhub.evaluate/1)",
        description="Read one policyhub.evaluate/1 request (JSON) from FILE or standard "
        "input and print the decision as JSON. Bad input: one line per problem on standard "
        "error, exit status 2.",
    )
    ev.add_argument("file", metavar="FILE|-", help="request JSON file, or - for standard input")
    ev.add_argument(
        "--as-of",
        metavar="DATE",
        help="decision date when the request has no as_of (default: today)",
    )
    ev.add_argument(
        "--indent",
        type=int,
        default=None,
        metavar="N",
        help="pretty-print the decision with N spaces",
    )

    sc = sub.add_parser(
        "screen",
        help="screen a whole registry export (免申即享) — see docs/screening.md",
        description="Decide every applicant of a registry export (CSV or Parquet events "
        "table, docs/screening.md) and write every decision, with a summary table.",
        add_help=False,
    )
    sc.add_argument("args", nargs=argparse.REMAINDER)

    sim = sub.add_parser(
        "simulate",
        help="cost a reform scenario against the law (政策模拟) — see docs/simulation.md",
        description="Decide a screening input and/or the registry under the law and under a "
        "scenario of changed parameters; print totals by clause with the difference, and "
        "write totals by clause, year, district and park and the applicants who gain or lose "
        "as .xlsx. Bad scenario or input: exit status 2.",
    )
    from policyhub.simulate.cli import add_arguments

    add_arguments(sim)

    params = sub.add_parser(
        "params",
        help="list every policy parameter with its clause",
        description="Print every dated parameter, its value(s) and the clause it implements.",
    )
    params.add_argument("--json", action="store_true", help="machine-readable output")

    mg = sub.add_parser(
        "manage", help="run a Django management command (migrate, runserver …)", add_help=False
    )
    mg.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _read_request(source: str) -> Any:
    from policyhub.engine import loads

    data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    return loads(data)


def cmd_evaluate(ns: argparse.Namespace) -> int:
    import datetime as dt

    from policyhub.engine import InputError, evaluate

    try:
        request = _read_request(ns.file)
    except OSError as exc:
        print(f"{ns.file}: cannot read: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError
        print(f": the request is not valid JSON: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        today = dt.date.fromisoformat(ns.as_of) if ns.as_of else None
    except ValueError:
        print(f"--as-of: must be an ISO date YYYY-MM-DD, got {ns.as_of!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        decision = evaluate(request, today=today)
    except InputError as exc:
        for p in exc.problems:
            print(f"{p['path']}: {p['message']}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(decision, sys.stdout, ensure_ascii=False, indent=ns.indent)
    sys.stdout.write("\n")
    return 0


def cmd_params(ns: argparse.Namespace) -> int:
    from policyhub.engine.params import parameters

    rows: list[dict[str, Any]] = [
        {
            "name": p.name,
            "reference": p.reference,
            "unit": p.unit,
            "description": p.description,
            "values": {d.isoformat(): v for d, v in p.periods()},
        }
        for p in parameters().values()
    ]
    if ns.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return 0
    for r in rows:
        print(f"{r['name']}  [{r['reference']}]  {r['unit']}  {r['description']}")
        for day, val in r["values"].items():
            print(f"    {day}: {val}")
    return 0


def cmd_manage(args: Sequence[str]) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{PROG} manage", *args])
    return 0


def cmd_screen(argv: list[str]) -> int:
    """`policyhub screen`, with the cyclic garbage collector off while it loads too: its
    imports (NumPy, Polars, pyarrow, the engine) set off collections worth 30 ms."""
    from policyhub.screen import collector_off

    with collector_off():
        from policyhub.screen.cli import main as screen_main

        return int(screen_main(argv))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        return cmd_manage(argv[1:])
    if argv[:1] == ["audit"]:  # `policyhub audit verify`: the audit trail's hash chain
        return cmd_manage(argv)
    if argv[:1] == ["outlook"]:  # `policyhub outlook`: the fund outlook (docs/outlook.md)
        return cmd_manage(argv)
    if argv[:1] == ["screen"]:
        return cmd_screen(argv[1:])
    ns = build_parser().parse_args(argv)
    if ns.command == "evaluate":
        return cmd_evaluate(ns)
    if ns.command == "params":
        return cmd_params(ns)
    if ns.command == "simulate":
        from policyhub.simulate.cli import main as simulate_main

        return simulate_main(ns)
    raise AssertionError(ns.command)  # pragma: no cover - argparse rejects unknown commands


def run() -> NoReturn:
    """The `policyhub` console script: main(), then exit with its status.

    After `policyhub screen` has renamed its output into place and printed its summary,
    the process leaves without the interpreter's teardown — a full garbage collection and
    the freeing of every module and buffer of NumPy, Polars and pyarrow, 0.08–0.14 s of a
    2 s run (measured from the summary to the process's end: 0.13–0.19 s, against 0.05 s
    without it). Only once standard output and error are flushed; if that fails (a closed
    pipe), the usual exit reports it."""
    if sys.argv[1:2] == ["screen"]:  # in a watched child process (screen/guard.py)
        from policyhub.screen.guard import supervised

        code = supervised(sys.argv[2:], main)
    else:
        code = main()
    if sys.argv[1:2] == ["screen"]:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
