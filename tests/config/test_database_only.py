"""`pytest --database-only` (tests/conftest.py), which `make pytest-pg` passes: it keeps every
test that reaches a database and drops the ones that cannot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    "tests/engine/test_money.py",  # pure engine: no database
    "tests/ledger/test_models.py",  # django_db
    "tests/load/test_sixteen_clients.py",  # own_database: a server in a subprocess
]


def collected(*options: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *options, *FILES],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}


def test_without_the_option_every_test_is_collected() -> None:
    assert collected() == set(FILES)


def test_database_only_drops_the_engine_tests_and_keeps_the_database_ones() -> None:
    assert collected("--database-only") == set(FILES[1:])
