"""Hypothesis strategies: small registry exports (events tables) with every event type, values
on both sides of every threshold and cap, dates on the edges of the validity window, shared
matters, `revenue-Y` ids and the ids the text fixes (`leading-firm`, `talent`, `settlement`),
every applicant kind, repeated recognitions, prizes and investments (the readings of contract
Revision 2), as text (like CSV) or as typed columns (like Parquet)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import strategies as st

from policyhub.engine.request import CATEGORIES, DISCRETIONARY_RULES, KINDS, LEVELS
from policyhub.engine.rules import add_years
from policyhub.screen.schema import COLUMNS, PROJECT_KINDS, STAGES, Kind
from tests.engine.creditcodes import with_check

YUAN = 100
EDGE_FEN = [
    10_000_000 * YUAN, 50_000_000 * YUAN, 100_000_000 * YUAN, 1_000_000_000 * YUAN,
    5_000_000_000 * YUAN, 500_000_000 * YUAN, 1_666_666_667, 16_666_666_67, 5_000_000 * YUAN,
    50_000_000 * YUAN, 15, 5, 0,
    250_000_000 * YUAN,  # two investments of a leading firm: 10% of the sum at its cap
]
DATES = [dt.date(2019, 7, 31), dt.date(2019, 8, 1), dt.date(2022, 7, 31), dt.date(2022, 8, 1),
         dt.date(2021, 6, 30), dt.date(2021, 7, 1), dt.date(2020, 2, 29), dt.date(2020, 12, 31),
         dt.date(2019, 12, 31), dt.date(2023, 3, 1)]
MATTERS = [None, None, None, "m1", "m1", "m2", "revenue-2020", "revenue-2019", "event-1",
           "leading-firm", "talent", "settlement"]
# The event types that Revision 2 reads together per applicant (R1-R3), drawn more often.
ONCE_TYPES = ["leading_firm_investment", "talent_recognition", "competition_prize",
              "discretionary"]


def fen() -> st.SearchStrategy[int]:
    edge = st.builds(lambda base, d: max(base + d, 0), st.sampled_from(EDGE_FEN),
                     st.integers(-1, 1))
    return st.one_of(edge, st.integers(0, 700_000_000_000), st.integers(0, 10_000))


def day() -> st.SearchStrategy[dt.date]:
    return st.one_of(st.sampled_from(DATES),
                     st.dates(dt.date(2018, 1, 1), dt.date(2024, 12, 31)))


def start_day() -> st.SearchStrategy[dt.date]:
    """Operation starts whose three-year window ends inside the validity window, often."""
    early = [dt.date(2019, 7, 31), dt.date(2019, 3, 1), dt.date(2018, 8, 1),
             dt.date(2016, 2, 29), dt.date(2020, 2, 29)]
    return st.one_of(st.sampled_from(early), day())


def fee_day(start: dt.date) -> st.SearchStrategy[dt.date]:
    """A fee on either side of the operation start or of the end of the three-year window
    (29 February + 3 years is 1 March), or any day."""
    end = add_years(start, 3)
    one = dt.timedelta(days=1)
    return st.one_of(st.sampled_from([start - one, start, end - one, end]), day())


def _event(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    b, d = st.booleans(), day()
    fields: dict[str, st.SearchStrategy[Any]] = {
        "leading_firm_investment": st.fixed_dictionaries({
            "date": d, "paid_in_capital": fen(), "completed_investment": fen(),
            "schedule_met": b}),
        "talent_recognition": st.fixed_dictionaries({
            "date": d, "level": st.sampled_from(LEVELS), "housing_price_per_m2": fen()}),
        "urgent_talent": st.fixed_dictionaries({"date": d,
                                                "category": st.sampled_from(CATEGORIES)}),
        "civil_military_researcher": st.fixed_dictionaries({
            "date": d, "category": st.sampled_from(CATEGORIES)}),
        "civil_military_team_project": st.fixed_dictionaries({"date": d}),
        "standard_led": st.fixed_dictionaries({
            "date": d, "level": st.sampled_from(["international", "national", "local",
                                                 "industry", "National"]),
            "revision": st.sampled_from([None, False, True])}),
        "project_investment": st.fixed_dictionaries({
            "date": d, "total_investment": fen(), "actual_investment": fen(),
            "project_kind": st.sampled_from(PROJECT_KINDS)}),
        "ipo_stage": st.fixed_dictionaries({"date": d, "stage": st.sampled_from(STAGES)}),
        "platform_construction": st.fixed_dictionaries({
            "date": d, "construction_cost": fen(), "major_public_platform": b}),
        "platform_service_fees": start_day().flatmap(lambda start: st.fixed_dictionaries({
            "operation_start": st.just(start), "major_public_platform": b,
            "fees": st.lists(st.tuples(fee_day(start), fen()), min_size=1, max_size=3)})),
        "pk_demo_project": st.fixed_dictionaries({
            "date": d, "rd_investment": fen(), "selected": b}),
        "competition_prize": st.fixed_dictionaries({
            "date": d, "rank": st.sampled_from([1, 2, 3]), "settles_in_changsha": b}),
        "discretionary": st.fixed_dictionaries({"date": d,
                                                "rule": st.sampled_from(DISCRETIONARY_RULES)}),
    }
    return fields[kind].map(lambda f: {"type": kind, **f})


def event(kinds: list[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    kinds = kinds or [
        "leading_firm_investment", "talent_recognition", "urgent_talent",
        "civil_military_researcher", "civil_military_team_project", "standard_led",
        "project_investment", "ipo_stage", "platform_construction", "platform_service_fees",
        "pk_demo_project", "competition_prize", "discretionary"]
    return st.sampled_from(kinds).flatmap(_event).flatmap(
        lambda e: st.sampled_from(MATTERS).map(lambda m: {**e, "matter": m}))


@st.composite
def applicant(draw: st.DrawFn, number: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["enterprise", "enterprise", *KINDS, "person", "team"]))
    body = draw(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
    code = None if kind in ("person", "team") and draw(st.booleans()) else \
        with_check("91430100" + body)
    flags = draw(st.lists(st.booleans().map(lambda x: x or bool(draw(st.booleans()))),
                          min_size=3, max_size=3))
    return {"applicant_id": f"H-{number}", "kind": kind, "credit_code": code,
            "registered_in_changsha": flags[0], "taxed_in_changsha": flags[1],
            "cybersecurity_business": flags[2]}


@st.composite
def applicant_events(draw: st.DrawFn, focused: bool | None = None) -> list[dict[str, Any]]:
    years = draw(st.lists(st.integers(2015, 2024), unique=True, max_size=6))
    revenue = [{"type": "annual_revenue", "year": y, "amount": draw(fen())} for y in years]
    # Half the applicants (or all, or none) draw only the types read together (R1-R3).
    if focused is None:
        focused = draw(st.booleans())
    others = draw(st.lists(event(ONCE_TYPES if focused else None), max_size=6))
    # Often two events of one type and matter: shared caps, duplicate IPO stages.
    duplicate = draw(st.booleans())
    if others and duplicate:
        others.append(dict(others[0]))
    events = revenue + others
    if not events:
        return []
    shuffled: list[dict[str, Any]] = draw(st.permutations(events))
    return shuffled


@st.composite
def registry(draw: st.DrawFn, max_applicants: int = 5,
             focused: bool | None = None) -> pl.DataFrame:
    """An events table; text columns like CSV, or typed columns like Parquet. `focused`:
    every applicant (True) or none (False) draws only the types read together (R1-R3)."""
    rows: list[dict[str, Any]] = []
    for number in range(draw(st.integers(1, max_applicants))):
        who = draw(applicant(number))
        events = draw(applicant_events(focused))
        if not events:
            rows.append(dict(who))  # an applicant with no events
        for index, e in enumerate(events):
            rows.extend(_rows(who, index, e))
    typed = draw(st.booleans())
    return to_frame(rows, typed=typed)


def _rows(who: dict[str, Any], index: int, e: dict[str, Any]) -> list[dict[str, Any]]:
    base = {**who, "type": e["type"], "event_index": index, "matter": e.get("matter")}
    fields = {k: v for k, v in e.items() if k not in ("type", "matter", "fees")}
    if e["type"] == "platform_service_fees":
        return [{**base, **fields, "fee_date": d, "fee_amount": a} for d, a in e["fees"]]
    return [{**base, **fields}]


def to_frame(rows: list[dict[str, Any]], *, typed: bool) -> pl.DataFrame:
    """Rows as an events table: money in fen becomes a decimal string (or decimal(18, 2))."""
    data: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for row in rows:
        for column, kind in COLUMNS.items():
            value = row.get(column)
            if value is not None and kind is Kind.MONEY:
                value = Decimal(value) / 100
            data[column].append(value)
    if typed:
        schema = {c: _typed(k, c) for c, k in COLUMNS.items()}
        return pl.DataFrame(data, schema=schema)
    return pl.DataFrame({c: [_text(v) for v in vs] for c, vs in data.items()},
                        schema={c: pl.String for c in COLUMNS})


def _typed(kind: Kind, column: str) -> Any:
    if kind is Kind.MONEY:
        return pl.Decimal(18, 2)
    if kind is Kind.DATE:
        return pl.Date
    if kind is Kind.BOOL:
        return pl.Boolean
    if kind is Kind.INT:
        return pl.Int64
    return pl.String


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
