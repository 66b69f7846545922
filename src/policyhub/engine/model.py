"""What the rules produce before dedup and serialisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MatterKey = tuple[str, str]  # ("m", id given in the request) or ("e", event index): own matter


@dataclass
class Candidate:
    """An amount one rule would grant for one matter, before its cap and rounding."""

    rule: str
    matter_key: MatterKey
    matter: str
    raw: Decimal
    cap: Decimal | None
    events: list[int]
    figures: dict[str, Any]
    sort: tuple[int, ...]
    summed: tuple[str, ...] = ()  # figures that add up when events of one matter share a cap
    maxed: tuple[str, ...] = ()  # figures each report states anew (a project's total): the highest


@dataclass
class Refusal:
    event_index: int
    rule: str
    code: str
    figures: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # appended to the reason (e.g. other refused fees of the same event)


@dataclass
class Discretion:
    event_index: int
    rule: str
    matter: str
    cap: Decimal | None


@dataclass
class Award:
    rule: str
    clause: str
    group: int
    matter_key: MatterKey
    matter: str
    amount: Decimal
    ceiling: bool
    events: list[int]
    explanation: str
    sort: tuple[int, ...]
    status: str = "granted"
    excluded_by: str | None = None
