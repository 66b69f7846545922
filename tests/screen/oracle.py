"""The engine as the oracle: per-applicant decisions of `evaluate` and of the kernel, in one
comparable shape (explanation texts left out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import polars as pl

from policyhub.engine import decide as engine_decide
from policyhub.engine import evaluate
from policyhub.screen import Options, ScreenResult, screen_frame
from policyhub.screen.requests import to_requests

Decision = dict[str, Any]


@contextmanager
def quiet_engine() -> Iterator[None]:
    """Explanations are not compared; skipping them also steps around the engine's
    KeyError('cap') on capped awards (reported to the lead)."""
    with mock.patch.object(engine_decide, "_explain", lambda *a, **k: ""), \
            mock.patch.object(engine_decide, "_dedup_note", lambda *a, **k: ""):
        yield


def engine(events: pl.DataFrame, options: Options) -> dict[str, Decision]:
    requests = to_requests(events, as_of=options.as_of, dedup_scope=options.dedup_scope,
                           milestone_jump=options.milestone_jump)
    out = {}
    with quiet_engine():
        for request in requests:
            d = evaluate(request, today=options.as_of)
            out[request["applicant"]["id"]] = {
                "awards": [(a["rule"], a["matter"], a["amount"], a["status"],
                            a.get("excluded_by"), min(a["events"]), a["ceiling"])
                           for a in d["awards"]],
                "discretionary": [(x["rule"], x["matter"], x["cap"], x["event_index"])
                                  for x in d["discretionary"]],
                "ineligible": [(x["event_index"], x["rule"], x["reason_code"])
                               for x in d["ineligible"]],
                "total": d["total"],
            }
    return out


def kernel(result: ScreenResult) -> dict[str, Decision]:
    out: dict[str, Decision] = {}
    for row in result.frame().iter_rows(named=True):
        d = out.setdefault(str(row["applicant_id"]), {
            "awards": [], "discretionary": [], "ineligible": [], "total": None})
        if row["entry"] == "award":
            d["awards"].append((row["rule"], row["matter"], money(row["amount"]), row["status"],
                                row["excluded_by"], row["event_index"], row["ceiling"]))
        elif row["entry"] == "discretionary":
            d["discretionary"].append((row["rule"], row["matter"], money(row["cap"]),
                                       row["event_index"]))
        elif row["entry"] == "ineligible":
            d["ineligible"].append((row["event_index"], row["rule"], row["reason_code"]))
        else:
            d["total"] = money(row["amount"])
    return out


def money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def mismatches(events: pl.DataFrame, options: Options) -> list[tuple[str, Decision, Decision]]:
    """(applicant, engine, kernel) for every applicant whose decisions differ."""
    want = engine(events, options)
    got = kernel(screen_frame(events, options))
    assert set(want) == set(got)
    return [(k, want[k], got[k]) for k in want if want[k] != got[k]]


ALL_OPTIONS = [Options(as_of, scope, jump)
               for as_of in (dt.date(2021, 6, 30), dt.date(2022, 12, 31))
               for scope in ("matter", "applicant")
               for jump in ("highest", "cumulative")]
