"""docs/readings.md cites rule cases by their sentence; every cited case must exist.

A quoted sentence in the Revision 2 table may end in "…" (abbreviated): it must then be the
start of a case's name. The table must also cite a case on both sides of R1-R5.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.rules.test_rule_cases import load_cases

DOC = Path(__file__).resolve().parents[2] / "docs" / "readings.md"


def _revision2_rows() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Revision 2") : text.index("## Extensions")]
    return [line for line in section.splitlines() if line.startswith("| R")]


def _cited(cell: str) -> list[str]:
    return re.findall(r"\"([^\"]+)\"", cell)


def test_every_case_the_readings_cite_exists() -> None:
    names = [case.name for case in load_cases() if not case.xfail]
    missing = []
    for row in _revision2_rows():
        for cell in row.split(" | ")[3:]:
            for quoted in _cited(cell):
                stem = quoted.rstrip(" …").rstrip("…")
                if "…" in quoted.rstrip(" …"):
                    stem = quoted.split("…")[0].rstrip()
                if not any(n == quoted or n.startswith(stem) for n in names):
                    missing.append(quoted)
    assert missing == []


def test_each_corrected_reading_cites_a_case_on_both_sides() -> None:
    rows = {row.split(" | ")[0].strip("| "): row.split(" | ") for row in _revision2_rows()}
    for reading in ("R1", "R2", "R3", "R3a", "R4", "R5"):
        paid, refused = rows[reading][3], rows[reading][4]
        assert paid.strip() != "—" and refused.strip("| ") != "—", reading
