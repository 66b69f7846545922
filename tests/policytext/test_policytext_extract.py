"""clauses.yaml is exactly what scripts/extract_policytext.py writes from seed.txt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from policyhub import policytext

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "extract_policytext.py"
CHECKED_IN = Path(policytext.__file__).resolve().parent / "clauses.yaml"


def test_extraction_regenerates_checked_in_yaml(tmp_path: Path) -> None:
    out = tmp_path / "clauses.yaml"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == CHECKED_IN.read_bytes(), (
        "clauses.yaml is stale or hand-edited: run `python scripts/extract_policytext.py`"
    )
