"""`python -m bench [NAME …]`: run the benchmarks, print the table, write build/bench.md.

Exit status 1 when a figure misses its target or a benchmark fails.
"""

from __future__ import annotations

import sys
import traceback

from bench.core import BUILD, Row, discover, machine, render


def main(argv: list[str]) -> int:
    rows: list[Row] = []
    for name, run in discover(argv).items():
        print(f"running {name} …", file=sys.stderr, flush=True)
        try:
            rows.extend(run())
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            rows.append(Row.failure(name, f"{type(exc).__name__}: {exc}"))
    report = "# Benchmarks\n\n" + render(rows, machine())
    BUILD.mkdir(exist_ok=True)
    (BUILD / "bench.md").write_text(report, encoding="utf-8")
    print(report)
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
