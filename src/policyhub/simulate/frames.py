"""`policyhub.evaluate/1` requests as a screening events table (docs/screening.md), the
inverse of screen.requests.to_requests: how the registry, which the engine reads as
requests, reaches the vectorised kernel. Every cell is text, as a CSV file's would be."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from policyhub.screen.schema import APPLICANT_COLUMNS, COLUMNS, FEE_COLUMNS, RENAMED

EXTRA = ("district", "park")  # read by the simulation, ignored by the kernel
ORDER = (*APPLICANT_COLUMNS, *(c for c in COLUMNS if c not in APPLICANT_COLUMNS), *EXTRA)


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows_of(request: dict[str, Any], extra: dict[str, str] | None = None
            ) -> list[dict[str, str | None]]:
    """The rows of one request: one per event (one per fee of a fee event), or one row
    declaring the applicant when it has no events."""
    applicant = {("applicant_id" if k == "id" else k): v for k, v in request["applicant"].items()}
    head = {c: _cell(v) for c, v in applicant.items() if c in APPLICANT_COLUMNS}
    head.update(extra or {})
    rows: list[dict[str, str | None]] = []
    for index, event in enumerate(request.get("events", [])):
        kind = event["type"]
        base = {**head, "type": kind, "event_index": str(index)}
        for key, value in event.items():
            if key in ("type", "fees"):
                continue
            base[RENAMED.get((kind, key), key)] = _cell(value)
        fees = event.get("fees") if kind == "platform_service_fees" else None
        if fees:
            rows += [{**base, **{FEE_COLUMNS[k]: _cell(v) for k, v in fee.items()}}
                     for fee in fees]
        else:
            rows.append(base)
    return rows or [dict(head)]


def frame_of(requests: Iterable[tuple[dict[str, Any], dict[str, str]]]) -> pl.DataFrame:
    """One events table of (request, extra columns) pairs, applicants in the given order."""
    rows = [row for request, extra in requests for row in rows_of(request, extra)]
    return pl.DataFrame([[r.get(c) for c in ORDER] for r in rows],
                        schema={c: pl.String for c in ORDER}, orient="row")
