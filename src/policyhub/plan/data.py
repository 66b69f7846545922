"""The plan's data files (targets.yaml, safeguards.yaml) read into typed, checked records.

Pure Python (no Django): the docs generator and the tests read it without a database, and
the loader (plan.loading) turns it into rows. Every number here comes from the YAML; the
YAML quotes the text it comes from.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml

KINDS = ("at_least", "at_most", "range", "share")
KIND_LABELS = {"at_least": "不低于", "at_most": "不高于", "range": "区间", "share": "占比"}

# Units the plan loads on top of policyhub.units.seed: the collective and city-level parties
# the text names (code, name). Kind "other", so no list of parks or departments picks them up.
EXTRA_UNITS: tuple[tuple[str, str], ...] = (
    ("all-parks", "各园区管委会"),
    ("all-districts", "各区县(市)人民政府"),
    ("city-departments", "市直各部门"),
    ("park-council", "国家网络安全产业园区(长沙)建设工作协调机制"),
    ("city-gov", "长沙市人民政府"),
)


class PlanDataError(ValueError):
    """A data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class TargetSpec:
    id: str
    clause: str
    quote: str
    label: str
    kind: str
    value: Decimal
    high: Decimal | None
    unit: str
    lead_unit: str
    lead_basis: str
    indicator: str | None
    derived: bool
    order: int
    # 超过/大于: the value itself does not meet the target (80.0% is not 超过80%).
    strict: bool = False
    # Why the lead unit leads, where the basis clause names no unit (a 计划/一 bullet).
    lead_reading: str = ""


@dataclass(frozen=True, slots=True)
class SafeguardSpec:
    clause: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    lead_quote: str
    responsible_quote: str
    lead_basis: str
    responsible_basis: str


@dataclass(frozen=True, slots=True)
class Parameter:
    value: Decimal
    unit: str
    reference: str
    quote: str


@dataclass(frozen=True, slots=True)
class PlanData:
    start: dt.date
    deadline: dt.date
    targets: tuple[TargetSpec, ...]
    parameters: dict[str, Parameter]


def _read(name: str) -> Any:
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text("utf-8"))


def _decimal(raw: Any, where: str) -> Decimal:
    # Quoted strings only: YAML floats would already have lost digits.
    if not isinstance(raw, str):
        raise PlanDataError(f"{where}: numbers are quoted decimals, got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise PlanDataError(f"{where}: {raw!r} is not a decimal") from None
    if not value.is_finite() or value < 0:
        raise PlanDataError(f"{where}: {raw!r} must be a non-negative number")
    return value


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise PlanDataError(f"{where}: {key} must be a non-empty string")
    return value


def _target(raw: dict[str, Any], order: int) -> TargetSpec:
    where = f"targets.yaml: {raw.get('id', f'entry {order}')}"
    kind = _text(raw, "kind", where)
    if kind not in KINDS:
        raise PlanDataError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    high = _decimal(raw["high"], f"{where}: high") if "high" in raw else None
    value = _decimal(raw.get("value"), f"{where}: value")
    if (kind == "range") != (high is not None) or (high is not None and high < value):
        raise PlanDataError(f"{where}: a range (and only a range) has high >= value")
    indicator = raw.get("indicator")
    if indicator is not None and not isinstance(indicator, str):
        raise PlanDataError(f"{where}: indicator must be a code or null")
    strict = raw.get("strict", False)
    if not isinstance(strict, bool) or (strict and kind not in ("at_least", "share")):
        raise PlanDataError(f"{where}: strict is a boolean, only for at_least or share")
    lead_reading = raw.get("lead_reading", "")
    if not isinstance(lead_reading, str):
        raise PlanDataError(f"{where}: lead_reading must be text")
    return TargetSpec(
        id=_text(raw, "id", where), clause=_text(raw, "clause", where),
        quote=_text(raw, "quote", where), label=_text(raw, "label", where), kind=kind,
        value=value, high=high, unit=_text(raw, "unit", where),
        lead_unit=_text(raw, "lead_unit", where), lead_basis=_text(raw, "lead_basis", where),
        indicator=indicator, derived=bool(raw.get("derived", False)), order=order,
        strict=strict, lead_reading=lead_reading)


def _parameter(name: str, raw: dict[str, Any]) -> Parameter:
    where = f"targets.yaml: parameters.{name}"
    return Parameter(_decimal(raw.get("value"), where), _text(raw, "unit", where),
                     _text(raw, "reference", where), _text(raw, "quote", where))


@functools.cache
def plan_data() -> PlanData:
    raw = _read("targets.yaml")
    targets = tuple(_target(t, i) for i, t in enumerate(raw["targets"], start=1))
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise PlanDataError("targets.yaml: duplicate target ids")
    params = {k: _parameter(k, v) for k, v in raw.get("parameters", {}).items()}
    return PlanData(start=raw["plan"]["start"], deadline=raw["plan"]["deadline"],
                    targets=targets, parameters=params)


def _codes(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise PlanDataError(f"{where} must be a list of unit codes")
    return tuple(raw)


@functools.cache
def safeguards() -> tuple[SafeguardSpec, ...]:
    out = []
    for raw in _read("safeguards.yaml")["safeguards"]:
        where = f"safeguards.yaml: {raw.get('clause')}"
        out.append(SafeguardSpec(
            clause=_text(raw, "clause", where),
            lead=_codes(raw.get("lead"), f"{where}: lead"),
            responsible=_codes(raw.get("responsible"), f"{where}: responsible"),
            lead_quote=_text(raw, "lead_quote", where),
            responsible_quote=_text(raw, "responsible_quote", where),
            lead_basis=str(raw.get("lead_basis", raw["clause"])),
            responsible_basis=str(raw.get("responsible_basis", raw["clause"]))))
    return tuple(out)


def parameter(name: str) -> Decimal:
    """A threshold the indicators count against (KeyError naming it when missing)."""
    return plan_data().parameters[name].value
