"""requirements/lock.txt (`make lock`, installed by `make venv`) agrees with pyproject.toml:
every dependency it declares, and those of the [dev] and [scale] extras `make venv`
installs, is pinned there with hashes at a version its bounds allow."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
EXTRAS = ("dev", "scale")  # what `make venv` installs (the Makefile's pip-compile --extra)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in EXTRAS:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


def pins(text: str) -> dict[str, tuple[Version, int]]:
    """name → (pinned version, number of hashes), from a pip-compile output."""
    out: dict[str, tuple[Version, int]] = {}
    name = ""
    for line in text.splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
            out[name] = (Version(match[2].rstrip(" \\")), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = out[name]
            out[name] = (version, hashes + 1)
    return out


def disagreements(requirements: list[Requirement], locked: dict[str, tuple[Version, int]]
                  ) -> list[str]:
    problems = []
    for req in requirements:
        pin = locked.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req.name}: declared, not in the lock")
        elif not req.specifier.contains(pin[0], prereleases=True):
            problems.append(f"{req.name}: locked {pin[0]}, declared {req.specifier}")
    problems += [f"{name}: no hash" for name, (_v, hashes) in locked.items() if not hashes]
    return problems


def test_every_declared_dependency_is_pinned_with_hashes_within_its_bounds() -> None:
    locked = pins(LOCK.read_text(encoding="utf-8"))
    assert disagreements(declared(), locked) == []


def test_the_bounds_the_code_needs_are_declared_and_locked() -> None:
    locked = pins(LOCK.read_text(encoding="utf-8"))
    bounds = {canonicalize_name(r.name): r.specifier for r in declared()}
    assert not bounds["weasyprint"].contains("67.0")  # 68: weasyprint.urls.URLFetcher
    assert "pydantic" in bounds and "pypdf" in bounds and "dj-database-url" in bounds
    assert bounds["django-stubs"].contains("5.2.9") and not bounds["django-stubs"].contains("5.3")
    assert locked["django"][0].release[:2] == (5, 2)


def test_a_lock_that_drifted_from_pyproject_is_caught() -> None:
    locked = pins("weasyprint==67.0 \\\n    --hash=sha256:ab\n"
                  "django==5.2.1 \\\n    --hash=sha256:cd\nruff==0.6.0\n")
    found = disagreements([Requirement("weasyprint>=68"), Requirement("Django>=5.2,<5.3"),
                           Requirement("pydantic>=2.4")], locked)
    assert found == ["weasyprint: locked 67.0, declared >=68",
                     "pydantic: declared, not in the lock", "ruff: no hash"]


def test_make_venv_reinstalls_when_the_lock_changes() -> None:
    # make's own database (-p), read without running anything (-n -q): the stamps' prerequisites.
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    database = subprocess.run(["make", "-pnq", ".venv/.installed"], cwd=ROOT, text=True,
                              capture_output=True, check=False).stdout
    rules = {line.split(":", 1)[0]: line.split(":", 1)[1].split()
             for line in database.splitlines()
             if line.startswith((".venv/.installed:", ".venv312/.installed:"))}
    assert set(rules) == {".venv/.installed", ".venv312/.installed"}
    assert all({"pyproject.toml", "requirements/lock.txt"} <= set(deps) for deps in rules.values())
