"""An events table as `policyhub.evaluate/1` requests, one per applicant (the reference reading
of the table format, row by row in plain Python; used to check the kernel against the engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl

from policyhub.screen.schema import (
    APPLICANT_COLUMNS,
    COLUMNS,
    EVENT_FIELDS,
    FEE_COLUMNS,
    FEE_EVENT_COLUMNS,
    OPTIONAL_FIELDS,
    RENAMED,
    Kind,
)


def to_requests(events: pl.DataFrame, *, as_of: dt.date, dedup_scope: str = "matter",
                milestone_jump: str = "highest") -> list[dict[str, Any]]:
    """One request per applicant, in the order applicants first appear."""
    options = {"dedup_scope": dedup_scope, "milestone_jump": milestone_jump}
    return [_request(rows, as_of, options) for rows in _applicants(events)]


def _applicants(events: pl.DataFrame) -> Iterator[list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in events.iter_rows(named=True):
        groups.setdefault(row["applicant_id"], []).append(row)
    yield from groups.values()


def _value(column: str, raw: Any) -> Any:
    """A cell as the JSON value the contract expects."""
    if raw is None:
        return None
    kind = COLUMNS[column]
    if kind is Kind.MONEY:
        return f"{raw}" if isinstance(raw, Decimal | str) else raw
    if kind is Kind.DATE:
        return raw.isoformat() if isinstance(raw, dt.date) else raw
    if kind is Kind.BOOL and isinstance(raw, str):
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind is Kind.INT and isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return raw


def _request(rows: list[dict[str, Any]], as_of: dt.date, options: dict[str, str]
             ) -> dict[str, Any]:
    first = rows[0]
    applicant = {"id": str(first["applicant_id"])}
    for column in APPLICANT_COLUMNS:
        if column != "applicant_id" and first.get(column) is not None:
            applicant[column] = _value(column, first[column])
    by_index: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("type") is not None:
            by_index.setdefault(int(row["event_index"]), []).append(row)
    events = [_event(by_index[i]) for i in sorted(by_index)]
    return {"as_of": as_of.isoformat(), "options": dict(options), "applicant": applicant,
            "events": events}


def _event(rows: list[dict[str, Any]]) -> dict[str, Any]:
    first = rows[0]
    kind = first["type"]
    event: dict[str, Any] = {"type": kind}
    for column in EVENT_FIELDS[kind]:
        if column in FEE_COLUMNS.values():
            continue
        field = next((f for (t, f), c in RENAMED.items() if t == kind and c == column), column)
        value = _value(column, first.get(column))
        if value is not None:
            event[field] = value
    for column in OPTIONAL_FIELDS.get(kind, ()):
        value = _value(column, first.get(column))
        if value is not None:
            event[column] = value
    if kind == "platform_service_fees":
        assert set(FEE_EVENT_COLUMNS) <= set(EVENT_FIELDS[kind])
        event["fees"] = [{field: _value(column, row.get(column))
                          for field, column in FEE_COLUMNS.items()} for row in rows]
    if first.get("matter") is not None:
        event["matter"] = first["matter"]
    return event


def to_rows(request: dict[str, Any]) -> list[dict[str, Any]]:
    """A policyhub.evaluate/1 request as rows of the wide events table (docs/screening.md):
    one per event, one per fee of a `platform_service_fees` event, or one that only
    declares an applicant without events. Cells as the contract gives them (money and
    dates as text, which screening reads exactly)."""
    app = request["applicant"]
    head = {"applicant_id": str(app["id"]),
            **{c: app.get(c) for c in APPLICANT_COLUMNS if c != "applicant_id"}}
    rows: list[dict[str, Any]] = []
    for index, event in enumerate(request.get("events", [])):
        kind = event["type"]
        row = {**head, "type": kind, "event_index": index, "matter": event.get("matter")}
        for field, value in event.items():
            if field in ("type", "matter", "fees"):
                continue
            row[RENAMED.get((kind, field), field)] = value
        if kind == "platform_service_fees":
            rows += [{**row, **{FEE_COLUMNS[f]: fee.get(f) for f in FEE_COLUMNS}}
                     for fee in event.get("fees", [])]
        else:
            rows.append(row)
    return rows or [head]


def rows_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Wide rows (to_rows) as a frame of the events table's columns: text cells for money
    and dates, booleans, integers."""
    def dtype(column: str) -> Any:
        kind = COLUMNS[column]
        return {Kind.BOOL: pl.Boolean, Kind.INT: pl.Int64}.get(kind, pl.String)

    data = {c: [None if r.get(c) is None else (r[c] if COLUMNS[c] in (Kind.BOOL, Kind.INT)
                                                 else str(r[c])) for r in rows]
            for c in COLUMNS}
    return pl.DataFrame(data, schema={c: dtype(c) for c in COLUMNS})
