"""docs/cli.md carries the `--help` output of the installed `policyhub` command (Datasette
style: the help text is generated into the docs, and this test fails when they drift).

Regenerate after changing a help string in src/policyhub/cli.py:

    .venv/bin/python tests/cli/test_cli_docs.py --write

Each generated block sits between `<!-- policyhub-help: ARGS -->` and `<!-- end -->`; prose
outside the blocks is free text and is left alone.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "cli.md"
REGENERATE = ".venv/bin/python tests/cli/test_cli_docs.py --write"
COLUMNS = "100"  # fixed, so the wrapping does not depend on the terminal
# `screen` and `manage` hand their help to other tools
COMMANDS = ("", "evaluate", "params", "simulate")
BLOCK = re.compile(r"<!-- policyhub-help: ?(?P<args>[a-z ]*) -->\n.*?<!-- end -->", re.S)

SKELETON = """\
# The `policyhub` command

<!-- The help blocks below are generated from the argparse parser in src/policyhub/cli.py
by `{regenerate}`;
tests/cli/test_cli_docs.py fails when they drift from `--help`. -->

`policyhub` is installed with the package (`pip install -e .`). `evaluate` and `params` are
pure Python and never import Django, so they start fast and run where there is no database.

<!-- policyhub-help: -->
<!-- end -->

## `policyhub evaluate`

Decides one request of the contract `policyhub.evaluate/1` (docs/contract-evaluate.md).

- `policyhub evaluate request.json` reads a file; `policyhub evaluate -` reads standard input.
- The decision is printed to standard output as one line of JSON (`--indent 2` to pretty-print);
  exit status 0.
- A request that does not fit the contract is refused whole: nothing on standard output, one
  line per problem on standard error as `path: message` (for example
  `events[0].rank: must be one of 1 | 2 | 3, got 4`), exit status 2. A file that cannot be read
  or is not JSON also exits with status 2.
- `--as-of DATE` sets the decision date when the request has no `as_of` (default: today).

<!-- policyhub-help: evaluate -->
<!-- end -->

## `policyhub params`

Lists every dated parameter of the policies with its clause reference, unit and values
(`--json` for a machine-readable list).

<!-- policyhub-help: params -->
<!-- end -->

## `policyhub simulate`

Costs a reform scenario against the law (docs/simulation.md).

<!-- policyhub-help: simulate -->
<!-- end -->
"""


def command() -> list[str]:
    script = Path(sys.executable).with_name("policyhub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policyhub.cli"]


def help_text(args: str) -> str:
    env = {**os.environ, "COLUMNS": COLUMNS, "PYTHONIOENCODING": "utf-8"}
    argv = [*command(), *args.split(), "--help"]
    done = subprocess.run(
        argv, capture_output=True, text=True, encoding="utf-8", env=env, check=True, cwd=ROOT
    )
    return done.stdout


def block(args: str) -> str:
    title = " ".join(["policyhub", *args.split(), "--help"])
    opening = f"<!-- policyhub-help: {args}".rstrip() + " -->"
    return f"{opening}\n```text\n$ {title}\n{help_text(args)}```\n<!-- end -->"


def generated(doc: str) -> str:
    """`doc` with every help block regenerated from the parser."""
    return BLOCK.sub(lambda m: block(m.group("args").strip()), doc)


def test_docs_cli_md_shows_the_current_help_of_every_command() -> None:
    assert DOC.exists(), f"docs/cli.md is missing; create it with: {REGENERATE}"
    doc = DOC.read_text(encoding="utf-8")
    found = [m.group("args").strip() for m in BLOCK.finditer(doc)]
    assert sorted(found) == sorted(COMMANDS), f"help blocks {found}; regenerate: {REGENERATE}"
    fresh = generated(doc)
    diff = "".join(
        difflib.unified_diff(
            doc.splitlines(True), fresh.splitlines(True), "docs/cli.md", "policyhub --help"
        )
    )
    assert doc == fresh, f"docs/cli.md drifted from --help; regenerate with: {REGENERATE}\n{diff}"


def test_every_subcommand_of_the_parser_is_named_in_the_docs() -> None:
    from policyhub.cli import build_parser

    doc = DOC.read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert [c for c in commands if f"`policyhub {c}" not in doc and c in COMMANDS] == []
    assert set(COMMANDS) - {""} <= set(commands)


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print(f"usage: {REGENERATE}", file=sys.stderr)
        return 2
    doc = (
        DOC.read_text(encoding="utf-8") if DOC.exists() else SKELETON.format(regenerate=REGENERATE)
    )
    DOC.write_text(generated(doc), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
