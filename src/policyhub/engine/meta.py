"""Rule metadata and Chinese wording, read from rules.yaml (no legal literal lives in Python)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

RULES_FILE = Path(__file__).with_name("rules.yaml")


@dataclass(frozen=True)
class Rule:
    id: str
    clause: str
    group: int
    reference: str
    label: str
    ceiling: bool
    per: str  # "matter": events of one matter share the cap; "event": an amount per event
    explain: str
    order: int  # position in rules.yaml: the order awards of one event are listed in
    kinds: tuple[str, ...]  # the applicant kinds the clause names as recipient (R4)
    recipient: str  # the clause's words naming the recipient, quoted by `applicant_kind`
    matter: str | None = None  # a fixed matter (a template over the award's figures)
    once: Once | None = None  # paid once per applicant, for the best event (R2, R3)
    cap_less: str | None = None  # case-by-case cap less this rule's granted amount (R3)
    drafting_only: tuple[str, ...] = ()  # levels rewarded for drafting only, not revising (R5)


@dataclass(frozen=True)
class Once:
    rank_by: str  # the figure ranked by `precedence[rank_by]`, best first
    reason: str  # the reason code of every event that does not pay


def _rule(rid: str, order: int, spec: dict[str, Any]) -> Rule:
    spec = dict(spec)
    spec["kinds"] = tuple(spec["kinds"])
    spec["drafting_only"] = tuple(spec.get("drafting_only", ()))
    if "once" in spec:
        spec["once"] = Once(**spec["once"])
    return Rule(id=rid, order=order, **spec)


@cache
def wording() -> dict[str, Any]:
    with RULES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_Loader)
    return data


@cache
def rules() -> dict[str, Rule]:
    return {rid: _rule(rid, i, spec) for i, (rid, spec) in enumerate(wording()["rules"].items())}


def rule(rid: str) -> Rule:
    return rules()[rid]


def cite() -> str:
    return str(wording()["cite"])


def name(table: str, key: Any) -> str:
    """The Chinese name of a parameter key; a key added by a later amendment of the parameters
    before rules.yaml names it is shown as it is rather than failing the decision."""
    return str(wording()["names"][table].get(key, key))


def precedence(table: str) -> list[Any]:
    """The values of a figure, best first (rules.yaml `precedence`)."""
    return list(wording()["precedence"][table])


def reason_name(code: str) -> str:
    """The short Chinese name of a reason code; an unknown code is shown as a generic phrase."""
    names: dict[str, str] = wording()["reason_names"]
    return names.get(code) or str(wording()["reason_name_default"])


_REVENUE = re.compile(r"\Arevenue-(\d+)\Z")
_OWN = re.compile(r"\Aevent-(\d+)\Z")


def matter_name(matter: str) -> str:
    """A matter as people read it: the fixed matters and `revenue-Y` / `event-N` in Chinese;
    a matter named by the request is its own name."""
    words = wording()
    if matter in words["matter_names"]:
        return str(words["matter_names"][matter])
    if found := _REVENUE.match(matter):
        return str(words["matter_revenue"]).format(year=found.group(1))
    if found := _OWN.match(matter):
        return str(words["matter_event"]).format(index=found.group(1))
    return matter


def option_name(option: str, value: str) -> tuple[str, str]:
    """(the option's Chinese label, its value's Chinese name); unknown ones as they are."""
    names = wording()["option_names"].get(option, {})
    return str(names.get("label", option)), str(names.get(value, value))
