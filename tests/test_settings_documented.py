"""Docs and code cannot drift: every POLICYHUB_* environment variable the code reads is in the
settings table of docs/api.md, and every variable in that table is read by the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"POLICYHUB_[A-Z_]*[A-Z]")


def read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "policyhub").rglob("*.py"):
        names |= set(NAME.findall(path.read_text(encoding="utf-8")))
    return names - {"POLICYHUB_PG"}  # the prefix of POLICYHUB_PG_NAME, _USER, …


def in_the_table() -> set[str]:
    rows = [line for line in (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
            .splitlines() if line.startswith("| `")]
    return {name for row in rows for name in NAME.findall(row.split("|")[1])}


def test_every_variable_the_code_reads_is_documented() -> None:
    names = read_by_the_code()
    assert "POLICYHUB_SCREEN_MAX_BYTES" in names and "POLICYHUB_DEBUG" in names
    table = in_the_table() | {"POLICYHUB_PG_" + p for p in ("USER", "PASSWORD", "HOST", "PORT")}
    assert sorted(names - table) == []


def test_every_documented_variable_is_read() -> None:
    code = "\n".join(p.read_text(encoding="utf-8")
                     for p in (ROOT / "src" / "policyhub").rglob("*.py"))
    missing = [n for n in in_the_table() if n not in code
               and not (n.startswith("POLICYHUB_PG_") and "POLICYHUB_PG_" in code)]
    assert missing == []
