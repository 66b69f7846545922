"""Parse and validate a `policyhub.evaluate/1` request into typed, immutable objects.

A bad request is refused whole: every problem is collected with the path of its field
(`events[2].level`) and raised together as one InputError, so nothing is half-evaluated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policyhub.engine import creditcode
from policyhub.engine.money import MoneyError, parse_money

ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
KINDS = ("enterprise", "institute", "platform_operator", "park", "person", "team")
PEOPLE = ("person", "team")
SCOPE_FLAGS = ("registered_in_changsha", "taxed_in_changsha", "cybersecurity_business")
# The years an annual_revenue event may name (the API schema and the screen use these too).
YEAR_MIN, YEAR_MAX = 1000, 9998
OPTIONS: dict[str, tuple[str, ...]] = {
    "dedup_scope": ("matter", "applicant"),
    "milestone_jump": ("highest", "cumulative"),
}
DISCRETIONARY_RULES = (
    "P3.cluster_park",
    "P5.leader_project",
    "P5.major_contribution",
    "P7.major_project",
    "P10.exceptional_settlement",
)


class InputError(ValueError):
    """The request does not fit the contract; `problems` names every bad field."""

    def __init__(self, problems: list[dict[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p['path']}: {p['message']}" for p in problems))


@dataclass(frozen=True)
class Fee:
    index: int
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Event:
    index: int
    type: str
    matter: str | None
    date: dt.date | None  # None only for platform_service_fees (each fee has its own)
    fields: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]


@dataclass(frozen=True)
class Applicant:
    id: str | None
    name: str | None
    kind: str
    credit_code: str | None
    registered_in_changsha: bool
    taxed_in_changsha: bool
    cybersecurity_business: bool

    @property
    def in_scope(self) -> bool:
        return (
            self.registered_in_changsha and self.taxed_in_changsha and self.cybersecurity_business
        )


@dataclass(frozen=True)
class Request:
    as_of: dt.date
    dedup_scope: str
    milestone_jump: str
    applicant: Applicant
    events: tuple[Event, ...]


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append({"path": path, "message": message})


# --- field readers: each returns the parsed value or raises ValueError(message) -------------


def _date(raw: Any) -> dt.date:
    if not isinstance(raw, str) or not ISO_DATE.match(raw):
        raise ValueError(f"must be an ISO date YYYY-MM-DD, got {raw!r}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a calendar date") from None


def _money(raw: Any) -> Decimal:
    try:
        return parse_money(raw)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


def _bool(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"must be true or false, got {raw!r}")
    return raw


def _year(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"must be an integer year, got {raw!r}")
    if not YEAR_MIN <= raw <= YEAR_MAX:
        raise ValueError(f"year {raw} is out of range")
    return raw


def _any(raw: Any) -> Any:
    return raw


def _choice(*allowed: Any) -> Callable[[Any], Any]:
    def read(raw: Any) -> Any:
        if isinstance(raw, bool) or raw not in allowed or type(raw) is not type(allowed[0]):
            shown = " | ".join(str(a) for a in allowed)
            raise ValueError(f"must be one of {shown}, got {raw!r}")
        return raw

    return read


Reader = Callable[[Any], Any]
LEVELS = ("international_top", "national_leader", "provincial_municipal_leader")
CATEGORIES = ("A", "B", "C")
PROJECT_KINDS = ("new_build", "tech_upgrade")
IPO_STAGES = ("tutoring_filed", "application_accepted", "listed")
PRIZE_RANKS = (1, 2, 3)

# The contract's event table: type -> {field: reader}. `date` is read separately.
EVENT_FIELDS: dict[str, dict[str, Reader]] = {
    "annual_revenue": {"year": _year, "amount": _money},
    "leading_firm_investment": {
        "date": _date,
        "paid_in_capital": _money,
        "completed_investment": _money,
        "schedule_met": _bool,
    },
    "talent_recognition": {
        "date": _date,
        "level": _choice(*LEVELS),
        "housing_price_per_m2": _money,
    },
    "urgent_talent": {"date": _date, "category": _choice(*CATEGORIES)},
    "civil_military_researcher": {"date": _date, "category": _choice(*CATEGORIES)},
    "civil_military_team_project": {"date": _date},
    # Any level is accepted here; one the text does not support is `unsupported_level`.
    "standard_led": {"date": _date, "level": _any},
    "project_investment": {
        "date": _date,
        "total_investment": _money,
        "actual_investment": _money,
        "kind": _choice(*PROJECT_KINDS),
    },
    "ipo_stage": {
        "date": _date,
        "stage": _choice(*IPO_STAGES),
    },
    "platform_construction": {
        "date": _date,
        "construction_cost": _money,
        "major_public_platform": _bool,
    },
    "platform_service_fees": {"operation_start": _date, "major_public_platform": _bool},
    "pk_demo_project": {"date": _date, "rd_investment": _money, "selected": _bool},
    "competition_prize": {
        "date": _date,
        "rank": _choice(*PRIZE_RANKS),
        "settles_in_changsha": _bool,
    },
    "discretionary": {"date": _date, "rule": _choice(*DISCRETIONARY_RULES)},
}
EVENT_TYPES = tuple(EVENT_FIELDS)
# Optional fields: type -> {field: (reader, value when absent or null)}. Revision 2 added
# `standard_led.revision` (二(六): a local standard is rewarded for drafting only).
OPTIONAL_FIELDS: dict[str, dict[str, tuple[Reader, Any]]] = {
    "standard_led": {"revision": (_bool, False)},
}


def _read(obj: Mapping[str, Any], name: str, reader: Reader, path: str, out: _Problems) -> Any:
    if name not in obj or obj[name] is None:
        out.add(f"{path}.{name}" if path else name, "is required")
        return None
    try:
        return reader(obj[name])
    except ValueError as exc:
        out.add(f"{path}.{name}" if path else name, str(exc))
        return None


def _fees(raw: Any, path: str, out: _Problems) -> tuple[Fee, ...]:
    if not isinstance(raw, list) or not raw:
        out.add(path, "must be a non-empty list of {date, amount}")
        return ()
    fees = []
    for j, item in enumerate(raw):
        here = f"{path}[{j}]"
        if not isinstance(item, Mapping):
            out.add(here, "must be an object {date, amount}")
            continue
        day = _read(item, "date", _date, here, out)
        amount = _read(item, "amount", _money, here, out)
        if day is not None and amount is not None:
            fees.append(Fee(j, day, amount))
    return tuple(fees)


def _event(i: int, raw: Any, out: _Problems) -> Event | None:
    path = f"events[{i}]"
    if not isinstance(raw, Mapping):
        out.add(path, "must be an object")
        return None
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in EVENT_FIELDS:
        out.add(f"{path}.type", f"unknown event type {kind!r}; one of {', '.join(EVENT_TYPES)}")
        return None
    before = len(out.items)
    fields = {name: _read(raw, name, rd, path, out) for name, rd in EVENT_FIELDS[kind].items()}
    if kind == "platform_service_fees":
        fields["fees"] = _fees(raw.get("fees"), f"{path}.fees", out)
    for name, (reader, absent) in OPTIONAL_FIELDS.get(kind, {}).items():
        given = raw.get(name) is not None
        fields[name] = _read(raw, name, reader, path, out) if given else absent
    matter = raw.get("matter")
    if matter is not None and (not isinstance(matter, str) or not matter):
        out.add(f"{path}.matter", "must be a non-empty string when given")
    if len(out.items) > before:
        return None
    if kind == "annual_revenue":
        day: dt.date | None = dt.date(fields["year"], 12, 31)
    else:
        day = fields.get("date")
    return Event(i, kind, matter, day, fields)


def _applicant(raw: Any, out: _Problems) -> Applicant | None:
    if not isinstance(raw, Mapping):
        out.add("applicant", "is required and must be an object")
        return None
    before = len(out.items)
    kind = _read(raw, "kind", _choice(*KINDS), "applicant", out)
    flags = {f: _read(raw, f, _bool, "applicant", out) for f in SCOPE_FLAGS}
    code = raw.get("credit_code")
    if code is None and kind is not None and kind not in PEOPLE:
        out.add("applicant.credit_code", f"is required for kind {kind!r}")
    elif code is not None and (why := creditcode.problem(code)):
        out.add("applicant.credit_code", why)
    ident, name = raw.get("id"), raw.get("name")
    for key, val in (("id", ident), ("name", name)):
        if val is not None and not isinstance(val, str):
            out.add(f"applicant.{key}", "must be a string when given")
    if len(out.items) > before:
        return None
    return Applicant(ident, name, kind, code, **flags)


def _options(raw: Any, out: _Problems) -> dict[str, str]:
    chosen = {name: allowed[0] for name, allowed in OPTIONS.items()}
    if raw is None:
        return chosen
    if not isinstance(raw, Mapping):
        out.add("options", "must be an object")
        return chosen
    for name, allowed in OPTIONS.items():
        if name in raw:
            value = _read(raw, name, _choice(*allowed), "options", out)
            chosen[name] = value or chosen[name]
    return chosen


def _duplicate_years(events: list[Event], out: _Problems) -> None:
    seen: dict[int, int] = {}
    for e in events:
        if e.type == "annual_revenue":
            year = e["year"]
            if year in seen:
                out.add(
                    f"events[{e.index}].year",
                    f"duplicate annual_revenue for {year} (also events[{seen[year]}])",
                )
            seen.setdefault(year, e.index)


def parse_request(raw: Any, today: dt.date | None = None) -> Request:
    """A validated Request, or InputError naming every bad field."""
    out = _Problems()
    if not isinstance(raw, Mapping):
        raise InputError([{"path": "", "message": "the request must be a JSON object"}])
    as_of = today or dt.date.today()
    if raw.get("as_of") is not None:
        as_of = _read(raw, "as_of", _date, "", out) or as_of
    options = _options(raw.get("options"), out)
    applicant = _applicant(raw.get("applicant"), out)
    raw_events = raw.get("events")
    events: list[Event] = []
    if not isinstance(raw_events, list):
        out.add("events", "is required and must be a list")
    else:
        events = [e for i, r in enumerate(raw_events) if (e := _event(i, r, out)) is not None]
        _duplicate_years(events, out)
    if out.items or applicant is None:
        raise InputError(out.items)
    return Request(
        as_of, options["dedup_scope"], options["milestone_jump"], applicant, tuple(events)
    )
