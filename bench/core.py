"""The registry and the report: Row, discovery of benchmark modules, the table."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import os
import pkgutil
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
EXAMPLES = ROOT / "tests" / "contract" / "examples"
NOT_BENCHMARKS = frozenset({"core", "__main__"})

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Row:
    """One measured figure against its target. `target=None` is reported, not judged."""

    benchmark: str
    measure: str
    value: float
    unit: str
    target: float | None = None
    better: Better = "lower"
    strict: bool = False  # "< target" rather than "<= target" (or ">" rather than ">=")

    @classmethod
    def failure(cls, benchmark: str, message: str) -> Row:
        return cls(benchmark, f"FAILED: {message}", math.nan, "", target=0.0)

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        if math.isnan(self.value):
            return False
        if self.better == "higher":
            return self.value > self.target if self.strict else self.value >= self.target
        return self.value < self.target if self.strict else self.value <= self.target

    @property
    def ratio(self) -> float | None:
        if self.target is None or self.target == 0 or math.isnan(self.value):
            return None
        return self.value / self.target

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        sign = {"higher": ">", "lower": "<"}[self.better] + ("" if self.strict else "=")
        sign = sign.replace(">=", "≥").replace("<=", "≤")
        return f"{sign} {_number(self.target)} {self.unit}".rstrip()


Benchmark = Callable[[], list[Row]]


def discover(names: Sequence[str] = ()) -> dict[str, Benchmark]:
    """Every module of the `bench` package that defines run(), or only those named."""
    found: dict[str, Benchmark] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in NOT_BENCHMARKS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        run = getattr(module, "run", None)
        if callable(run):
            found[info.name] = run
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(found)}")
    return {name: run for name, run in found.items() if not names or name in names}


def request_files(directory: Path) -> list[Path]:
    """The request of every contract example that expects a decision, one JSON file each."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for source in sorted(EXAMPLES.glob("*.json")):
        example: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
        if "expect" in example:
            path = directory / source.name
            path.write_text(json.dumps(example["request"], ensure_ascii=False), encoding="utf-8")
            paths.append(path)
    if not paths:
        raise RuntimeError(f"no contract example with `expect` in {EXAMPLES}")
    return paths


def machine() -> list[tuple[str, str]]:
    return [
        ("date", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("cpu", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("os", platform.platform()),
    ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def render(rows: Sequence[Row], about: Sequence[tuple[str, str]]) -> str:
    header = ["benchmark", "measure", "value", "target", "ratio value/target", "ok"]
    body = [
        [
            r.benchmark,
            r.measure,
            f"{_number(r.value)} {r.unit}".rstrip(),
            r.target_text(),
            "—" if r.ratio is None else f"{r.ratio:.2f}",
            {True: "ok", False: "FAIL", None: "—"}[r.ok],
        ]
        for r in rows
    ]
    lines = [f"- {key}: {value}" for key, value in about]
    lines += ["", _markdown_row(header), _markdown_row(["---"] * len(header))]
    lines += [_markdown_row(cells) for cells in body]
    return "\n".join(lines) + "\n"


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _number(value: float) -> str:
    if math.isnan(value):
        return "—"
    if value == int(value) and abs(value) >= 10:
        return f"{int(value):,}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:,.1f}"


def run_django_child(module: str, db: Path, name: str) -> Any:
    """Run `python -m module` as a Django process on a new SQLite file `db` (test settings,
    no DATABASE_URL) and return the JSON its last line prints: the Django benchmarks build
    their own data and must not touch the developer's database."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "POLICYHUB_DB": str(db),
           "DJANGO_SETTINGS_MODULE": "policyhub.config.test_settings"}
    for key in ("DATABASE_URL", "POLICYHUB_DEBUG"):
        env.pop(key, None)
    done = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} child exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
