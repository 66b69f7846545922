"""The fund outlook (docs/outlook.md): 10,000 paths over the demo ×100 registry.

A child process (Django, a throwaway SQLite database, as bench_dashboard) loads the registry
demo once (`load_demo`: 300 organisations, five years of figures, events, and the site's
applications and ledger) and
reads its history as of 2019-12-31 (policyhub.outlook.history). Loading ×100 into the database
would take minutes and measure the database, not the projection, so the history is copied
×100 in memory instead: 30,000 firms, each copy's revenues scaled by (1 + copy/1000) so no two
firms are the same, and 100 copies of every event (the events of a copy are worth what the
originals are worth, so the kernel's values of identical events merge: see the row of
distinct event values). Timed: prepare (the kernel prices every milestone step and every event
in each projected year) + simulate (10,000 paths, three budget years) — everything after the
database read.
"""

from __future__ import annotations

import io
import json
import os
import time
from typing import Any

from bench.core import BUILD, Row, run_django_child

NAME = "bench_outlook"
SCALE = int(os.environ.get("BENCH_OUTLOOK_SCALE", "100"))
PATHS = int(os.environ.get("BENCH_OUTLOOK_PATHS", "10000"))
TARGET_S = 10.0  # issue 19
RUNS = 3
DB = BUILD / "bench" / "outlook.sqlite3"


def run() -> list[Row]:
    r = run_django_child("bench.bench_outlook", DB, NAME)
    what = f"×{r['scale']} ({r['firms']:,} organisations, {len(r['years'])} budget years)"
    return [
        Row(NAME, f"{r['paths']:,} paths over the demo {what}, best of {RUNS}",
            r["seconds"], "s", TARGET_S),
        Row(NAME, f"of which the kernel pricing situations ({r['applicants']:,} applicants)",
            r["prepare_s"], "s"),
        Row(NAME, "of which sampling the paths", r["simulate_s"], "s"),
        Row(NAME, "firms that can still reach a new milestone (sampled one by one)",
            r["live_firms"], ""),
        Row(NAME, "distinct event values (templates after merging)", r["templates"], ""),
        Row(NAME, "reading the history ×1 from the database", r["history_s"], "s"),
    ]


def _child() -> dict[str, Any]:
    import django

    django.setup()
    import datetime as dt

    import numpy as np
    from django.core.management import call_command

    from policyhub.outlook import history, model, prepare
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())  # the command, wherever its module lives
    started = time.perf_counter()
    h = history.load(dt.date(2019, 12, 31))
    history_s = time.perf_counter() - started
    firms = [prepare.Firm(f.who, {y: v * (1000 + k) // 1000 for y, v in f.revenue.items()})
             for k in range(SCALE) for f in h.firms]
    big = prepare.History(h.base_year, h.years, h.budget, h.approved, firms,
                          h.templates * SCALE, h.options)
    best: tuple[float, float, float] | None = None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        inputs = prepare.prepare(big)
        t1 = time.perf_counter()
        outlook = model.simulate(inputs, PATHS, 2019)
        t2 = time.perf_counter()
        if best is None or t2 - t0 < best[0]:
            best = (t2 - t0, t1 - t0, t2 - t1)
    assert best is not None
    live = int(np.count_nonzero(model.live_firms(inputs)))
    applicants = (len(big.templates) * len(big.years)
                  + inputs.table.shape[0] * inputs.table.shape[1]
                  * inputs.table.shape[2] * (inputs.table.shape[3] - 1) // 2)
    return {"scale": SCALE, "firms": len(firms), "years": list(big.years), "paths": PATHS,
            "seconds": best[0], "prepare_s": best[1], "simulate_s": best[2],
            "history_s": history_s, "live_firms": live, "templates": len(inputs.rate),
            "applicants": applicants, "mean": outlook.mean(outlook.per_year()).tolist()}


if __name__ == "__main__":
    print(json.dumps(_child()))
