"""Rule metadata and Chinese wording, read from rules.yaml (no legal literal lives in Python)."""

from __future__ import annotations

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


@cache
def wording() -> dict[str, Any]:
    with RULES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_Loader)
    return data


@cache
def rules() -> dict[str, Rule]:
    return {
        rid: Rule(id=rid, order=i, **spec)
        for i, (rid, spec) in enumerate(wording()["rules"].items())
    }


def rule(rid: str) -> Rule:
    return rules()[rid]


def cite() -> str:
    return str(wording()["cite"])


def name(table: str, key: Any) -> str:
    """The Chinese name of a parameter key; a key added by a later amendment of the parameters
    before rules.yaml names it is shown as it is rather than failing the decision."""
    return str(wording()["names"][table].get(key, key))
